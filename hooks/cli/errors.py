"""The one error boundary of govcell's commands: every failure becomes a documented exit code.

Modelled on pre-commit's ``error_handler``: a context manager around a whole
command, used by every console script (``govcell`` and each hook) through
:mod:`govcell.entry.console`.  Inside it, a command returns 0 (nothing to
report) or 1 (findings); it never has to catch anything for the user's sake.

=====  =====================================================================
exit   meaning
=====  =====================================================================
0      no error finding
1      error findings (the findings say which); also: stdout closed early
2      usage error: a command line that cannot run (argparse's message)
3      internal error: a govcell bug, one line + "please report"; the
       traceback only with ``GOVCELL_DEBUG=1``
130    interrupted (Ctrl-C)
=====  =====================================================================

The table is documented once for users, in ``docs/cli.md``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

OK = 0
FINDINGS = 1
USAGE = 2
INTERNAL = 3
INTERRUPTED = 130

#: The environment variable that adds the traceback to an internal error's line (for a bug report).
DEBUG_VARIABLE = "GOVCELL_DEBUG"


class UsageError(Exception):
    """A command line that cannot run (an unknown check, task or AC; a value out of range): exit 2.

    Raised by a command after parsing, when only the cell can tell (an unknown
    task name); :func:`govcell.cli.main.main` turns it into the parser's own
    ``error()`` (usage line + message on stderr, exit 2), as if argparse had
    found it.
    """


@contextlib.contextmanager
def error_boundary() -> Iterator[None]:
    """Run a command; end it with :class:`SystemExit` carrying the code of the table above on any failure.

    ``SystemExit`` raised inside (argparse's usage errors, ``--help``) passes
    through unchanged.
    """
    try:
        yield
    except SystemExit:
        raise
    except UsageError as exc:
        say(f"govcell: error: {exc}")
        raise SystemExit(USAGE) from None
    except KeyboardInterrupt:
        say("govcell: interrupted")
        raise SystemExit(INTERRUPTED) from None
    except BrokenPipeError:
        # Nothing more can be written to stdout (`govcell status | head -1`); keep the interpreter quiet at exit.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(FINDINGS) from None
    except Exception as exc:  # noqa: BLE001 - the last guard: one line instead of a traceback
        raise SystemExit(internal_error(exc)) from None


def internal_error(exc: BaseException) -> int:
    """Tell a govcell bug in one line (and the traceback with ``GOVCELL_DEBUG=1``); the exit code 3."""
    if os.environ.get(DEBUG_VARIABLE) or os.environ.get("GOVCELL_TRACEBACK"):
        import traceback

        traceback.print_exception(exc)
    if isinstance(exc, RecursionError):
        say(f"govcell: internal error: {type(exc).__name__}: input nested too deeply for this command ({exc}); "
            f"please report it with the file that triggered it ({DEBUG_VARIABLE}=1 shows the traceback)")
    else:
        say(f"govcell: internal error: {type(exc).__name__}: {exc} (a govcell bug: please report it with the "
            f"file that triggered it; {DEBUG_VARIABLE}=1 shows the traceback)")
    return INTERNAL


def exit_status(exc: SystemExit) -> int:
    """The status a process ending with ``exc`` reports (``sys.exit("text")`` prints the text, then 1)."""
    if exc.code is None:
        return OK
    if isinstance(exc.code, int):
        return exc.code
    say(str(exc.code))
    return FINDINGS


def say(line: str) -> None:
    """One line on stderr, escaped for the terminal; never fails (the boundary must not raise)."""
    try:
        from govcell.diagnostics import printable

        line = printable(line)
    except Exception:  # noqa: BLE001 - printing the line matters more than escaping it
        pass
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
