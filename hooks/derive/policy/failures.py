"""Engine errors as values: what the Rego engine raised or printed, parsed into a place and a message.

An engine error is never a traceback: ``call`` turns what regorus raises into
an ``EngineError`` (its text parsed into a location and a message; a Rust panic
says so), ``engine_stderr`` catches what the engine prints, and ``Failures`` is
the one registry every compile, fixture and target error goes through, so one
cause (a code at a place) is one finding whatever the number of fixtures,
targets or compile units that hit it.  ``nesting`` guards the engine's parser
before a file is given to it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from govcell.diagnostics import Diagnostic, Severity, diag

# --------------------------------------------------------------------------- engine errors

_ERR_LOC = re.compile(r"-->\s*(?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+)")
_ERR_MSG = re.compile(r"^error:\s*(?P<msg>.*)$", re.MULTILINE)
_NOT_ENGINE = (KeyboardInterrupt, SystemExit, GeneratorExit)


@dataclasses.dataclass
class EngineError:
    """A regorus error, parsed out of its text (location, message; no Rust backtrace)."""

    file: str
    line: int
    col: int
    message: str
    panic: bool = False
    chain: list[tuple[str, int, int]] = dataclasses.field(default_factory=list)  # every location in the text

    @classmethod
    def parse(cls, exc: BaseException, default_file: str) -> EngineError:
        panic = type(exc).__name__ == "PanicException"  # pyo3's, a BaseException: a bug in the engine
        text = str(exc).split("Stack backtrace:", 1)[0]
        loc = _ERR_LOC.search(text)
        msg = _ERR_MSG.search(text)
        message = msg.group("msg").strip() if msg else (text.strip().splitlines() or [type(exc).__name__])[-1]
        if panic:
            message = f"the Rego engine crashed (Rust panic: {message.strip()[:200]})"
        chain = [(m.group("file").strip(), int(m.group("line")), int(m.group("col"))) for m in _ERR_LOC.finditer(text)]
        if loc:
            return cls(loc.group("file").strip(), int(loc.group("line")), int(loc.group("col")), message, panic, chain)
        return cls(default_file, 0, 0, message, panic, chain)


class EngineFailure(Exception):
    """A call into the engine failed: an error it raised, or a panic."""

    def __init__(self, error: EngineError) -> None:
        super().__init__(error.message)
        self.error = error


def call(fn: Callable[..., Any], *args: Any, file: str = "") -> Any:
    """``fn(*args)``, with any engine error or Rust panic raised as ``EngineFailure``.

    pyo3 raises a panic as ``PanicException``, which derives from
    ``BaseException``: ``except Exception`` would let it through as a traceback.
    """
    try:
        return fn(*args)
    except _NOT_ENGINE:
        raise
    except BaseException as exc:  # noqa: BLE001 - the engine's errors and panics, turned into findings
        raise EngineFailure(EngineError.parse(exc, file)) from None


_WARNING = re.compile(r"-->\s*(?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+)(?:(?!-->).)*?^warning:\s*(?P<msg>[^\n]*)",
                      re.MULTILINE | re.DOTALL)


@contextlib.contextmanager
def engine_stderr() -> Iterator[list[tuple[str, int, int, str]]]:
    """Keep what the engine writes to file descriptor 2 out of the output; yield its warnings.

    regorus prints parser warnings (``if`` treated as an identifier in Rego v0)
    straight to stderr, as Rust text: govcell reports them as findings instead.
    """
    warnings: list[tuple[str, int, int, str]] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield warnings  # no file descriptor 2 to borrow: nothing to capture
        return
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield warnings
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", "replace")
            warnings.extend((m.group("file").strip(), int(m.group("line")), int(m.group("col")),
                             m.group("msg").strip()) for m in _WARNING.finditer(text))


#: engine messages of problems ``opa check`` reports at compile time, and their codes
_CLASSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"is unsafe|Undefined variable"), "policy.unsafe-var"),
    (re.compile(r"could not find function|Unknown function"), "policy.undefined-function"),
    (re.compile(r"expects \d+ arguments?|mismatch in number of arguments"), "policy.wrong-arity"),
    (re.compile(r"previous value is not|rule conflicts with rule|previously defined with|multiple default rules|"
                r"conflicting rules"), "policy.conflicting-rules"),
    (re.compile(r"recursion detected|^recursion: "), "policy.recursion"),
    (re.compile(r"used before definition|duplicated definition|invalid `ref` in default|cannot be shadowed|"
                r"undefined rule|not a valid rule path"), "policy.compile-error"),
)

HINTS = {
    "policy.unsafe-var": "bind the variable in the rule body (x := ..., some x in ...) or fix its spelling; "
                         "a name no rule, import or body defines is unsafe, as in `opa check`",
    "policy.undefined-function": "fix the function's name, import the package that defines it, or define it "
                                 "(an OPA builtin the embedded engine lacks is reported too: the policy cannot run "
                                 "here)",
    "policy.wrong-arity": "pass the number of arguments the function takes",
    "policy.conflicting-rules": "definitions of one rule must agree: one kind (value, set, object or function), "
                                "one arity, one default, and one value for a complete rule",
    "policy.recursion": "Rego rules may not depend on themselves; break the cycle",
    "policy.undefined-ref": "fix the reference: the package is loaded but defines no such rule",
    "policy.compile-error": "fix the rule, as `opa check` would require",
    "policy.eval-error": "Rego runtime errors (conflicting values, undefined functions, type errors) must be "
                         "fixed in the policy, so it stays defined on every input",
}


def classify(message: str) -> str | None:
    """The compile-time code of an engine error message, or None for a run-time error."""
    for pattern, code in _CLASSES:
        if pattern.search(message):
            return code
    return None


WITHOUT_INPUT = "no input (the compile check evaluates every rule once)"


@dataclasses.dataclass
class Failure:
    """One cause: a code at a place, with everything that ran into it."""

    code: str
    file: str
    line: int
    col: int
    message: str
    rule: str = ""
    origins: list[str] = dataclasses.field(default_factory=list)
    panic: bool = False

    @property
    def runtime(self) -> bool:
        return self.code == "policy.eval-error"


class Failures:
    """Every compile and evaluation failure of a run, one entry per cause."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, int, int | str], Failure] = {}
        self.by_line: dict[tuple[str, str, int], Failure] = {}

    def add(self, code: str, file: str, line: int, col: int, message: str, *, rule: str = "",
            origin: str = "", panic: bool = False, engine: bool = False) -> Failure:
        """Record a failure; one already known at this code and place takes the new origin instead.

        An engine error joins a static finding of the same code on the same line
        (the two may point at different columns of one call).
        """
        key = (code, file, line, col) if line else (code, file, 0, message)
        entry = self.entries.get(key) or (self.by_line.get((code, file, line)) if engine and line else None)
        if entry is None:
            entry = self.entries[key] = Failure(code, file, line, col, message, rule, panic=panic)
            self.by_line.setdefault((code, file, line), entry)
        if origin and origin not in entry.origins:
            entry.origins.append(origin)
        if rule and not entry.rule:
            entry.rule = rule
        return entry

    def add_error(self, err: EngineError, *, rule: str = "", origin: str = "") -> Failure:
        code = "policy.compile-error" if err.panic else (classify(err.message) or "policy.eval-error")
        return self.add(code, err.file, err.line, err.col, err.message, rule=rule, origin=origin, panic=err.panic,
                        engine=True)

    def diagnostics(self) -> list[Diagnostic]:
        out = []
        for f in self.entries.values():
            where = f" (in rule {f.rule})" if f.rule and not re.search(rf"\b{re.escape(f.rule)}\b", f.message) else ""
            if f.panic:
                out.append(diag(f.code, f"{f.message}{where}", f.file, f.line, f.col,
                                hint="this is a bug in the regorus engine: report it with this file; meanwhile "
                                     "simplify the rule"))
            elif f.runtime:
                inputs = [o for o in f.origins if o != WITHOUT_INPUT]
                shown = inputs[:3] + ([f"{len(inputs) - 3} more"] if len(inputs) > 3 else [])
                if inputs:
                    on = "; ".join(shown) + (" and with no input" if WITHOUT_INPUT in f.origins else "")
                    out.append(diag(f.code, f"rule {f.rule or '?'} failed on {on}: {f.message}", f.file, f.line,
                                    f.col, hint=HINTS[f.code]))
                else:
                    out.append(diag(f.code, f"rule {f.rule or '?'} fails when evaluated with no input: "
                                    f"{f.message}", f.file, f.line, f.col, severity=Severity.WARNING,
                                    hint="the compile check evaluates every rule once without input; guard the "
                                         "rule so it stays defined on any input, or ignore this if real inputs "
                                         "always have what it needs"))
            else:
                out.append(diag(f.code, f"{f.message}{where}", f.file, f.line, f.col, hint=HINTS[f.code]))
        return out


# --------------------------------------------------------------------------- before the engine sees a file

#: deepest nesting of [ and { the engine is given: its parser takes time exponential in the nesting of a
#: literal that opens with another (measured: 13 levels 0.3 s, 15 levels 1 s, 18 levels 10 s, 20 levels > 30 s)
MAX_NESTING = 12
_TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"|`[^`]*`|#[^\n]*|[\[\]{}]|\n')


def nesting(text: str) -> tuple[int, int, int]:
    """The deepest nesting of ``[`` and ``{`` outside strings and comments, and where it is reached."""
    depth = deepest = 0
    line, line_start, where = 1, 0, (0, 0)
    for m in _TOKENS.finditer(text):
        tok = m.group()
        if tok == "\n":
            line, line_start = line + 1, m.end()
        elif tok in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, (line, m.start() - line_start + 1)
        elif tok in "]}":
            depth = max(0, depth - 1)
        elif tok[0] == "`" and "\n" in tok:  # a raw string over several lines
            line, line_start = line + tok.count("\n"), m.start() + tok.rindex("\n") + 1
    return deepest, *where
