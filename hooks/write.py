"""Writing files safely: one path policy for everything govcell writes.

Every file govcell writes on a repository's behalf (the feature status report,
a bundle and its manifest, a ``-o`` report, the site, ``init``'s scaffold) goes
through :func:`resolve_output` and :func:`write_output`:

* the path is resolved against the repository's *real* root with every symlink
  on the way resolved, and must stay inside it (``write.outside-repo``);
* never into ``.git/`` (``write.into-git``);
* never over an input file of the cell: the config, the ledger, tasks, flows,
  contextpack, feature files, policies and their fixtures, ADRs
  (``write.over-input``);
* only onto a regular file or a new path: never through a final symlink, onto a
  FIFO, a device or a directory (``write.not-a-file``);
* atomically (a temporary file in the same directory, ``os.replace``d in), with
  the mode an ordinary ``open()`` would give (the umask respected, an existing
  file's mode kept).

A violation is a finding and nothing is written.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.diagnostics import Diagnostic

#: Files a cell reads whatever its config says (config files, hook manifests, mkdocs).
FIXED_INPUTS = (".govcell.yaml", "pyproject.toml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml",
                "mkdocs.yml", "mkdocs.yaml", ".gitignore", ".gitattributes", ".gitmodules")


@functools.cache
def _umask() -> int:
    """The process umask (read once: ``os.umask`` can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: str) -> int:
    """An existing file's permission bits, else what ``open(path, 'w')`` would create."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def write_atomic(path: Path | str, text: str | bytes) -> None:
    """Write via a temp file in the same directory and ``os.replace`` it in (no path policy).

    For files whose place govcell itself chose (test results).  The mode is the
    existing file's, else ``0o666`` minus the umask, as ``open()`` would make it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    mode = _mode_for(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --------------------------------------------------------------------------- the path policy


@dataclasses.dataclass(frozen=True)
class Target:
    """Where a write may go: the real absolute path, and the repository-relative one."""

    path: str
    rel: str
    exists: bool


@dataclasses.dataclass(frozen=True)
class InputFiles:
    """A predicate on real repository-relative paths: is this an input file of the cell?

    ``files`` and ``prefixes`` are also read by :func:`resolve_output`, to refuse a
    directory that holds inputs."""

    files: frozenset[str]
    dirs: tuple[tuple[str, str], ...]  #: (directory prefix ending in '/', file suffix)

    @property
    def prefixes(self) -> list[str]:
        return [pre for pre, _ in self.dirs]

    def __call__(self, rel: str) -> bool:
        return rel in self.files or any(rel.startswith(pre) and rel.endswith(suffix) for pre, suffix in self.dirs)


def _is_input_fn(root_real: str, exact: Iterable[str], dirs: Iterable[tuple[str, str]]) -> InputFiles:
    """The input files given as exact paths and (directory, suffix) pairs, resolved against ``root_real``."""

    def real_rel(p: str) -> str | None:
        if not p or os.path.isabs(p) or "\0" in p:
            return None
        real = os.path.realpath(os.path.join(root_real, p))
        if os.path.commonpath([real, root_real]) != root_real:
            return None
        return os.path.relpath(real, root_real).replace(os.sep, "/")

    files = frozenset(r for p in exact if (r := real_rel(p)))
    prefixes = tuple((r.rstrip("/") + "/", suffix) for d, suffix in dirs if (r := real_rel(d)) and r != ".")
    return InputFiles(files, prefixes)


def cell_inputs(cell: Cell) -> InputFiles:
    """The input files of ``cell`` (see the module docstring) as a predicate on real relative paths."""
    p = cell.config.paths
    exact = [*FIXED_INPUTS, p.ledger, p.tasks, p.flows, p.contextpack, p.llmignore, p.reviews]
    if cell.config_source:
        exact.append(cell.config_source)
    dirs = [(d, ".feature") for d in p.features] + [(p.policy, ""), (p.adr, "")]
    dirs += [(d, "") for d in p.policy_testdata]
    return _is_input_fn(os.path.realpath(cell.root), exact, dirs)


def resolve_output(root: Path | str, target: str, *, what: str, inputs: Callable[[str], bool] | None = None,
                   base: Path | str | None = None, where: tuple[str, int, int] | None = None,
                   directory: bool = False, outside_ok: bool = False) -> tuple[Target | None, Diagnostic | None]:
    """Apply the path policy to ``target`` (relative to ``base``, default ``root``).

    ``outside_ok`` is for a path the user typed (``-o``, ``--out``): the
    user's, not the repository's, so it may lie outside the repository when
    it says so (absolute, or climbing with ``..``); one that names a place in
    the repository may not be carried out by a symlinked directory on the
    way.  Every other rule still holds.

    Returns the place to write, or the finding that says why nothing may be
    written there.  ``what`` names the output in messages ("bundle output");
    ``where`` is the finding's location (default: the target itself);
    ``directory`` asks for a directory (the site) instead of a file.
    """
    from govcell.diagnostics import diag

    placed = _place(root, target, base, directory, outside_ok)
    if isinstance(placed, _Refusal):
        refusal = placed
    else:
        real, rel, inside = placed
        outcome = _over_input(rel, inputs, directory, inside) or _existing(real, rel, directory)
        if isinstance(outcome, Target):
            return outcome, None
        refusal = outcome
    shown = _printable(target)
    path, line, col = where if where is not None else (shown, 0, 0)
    return None, diag(refusal.code, f"{what} '{shown}' {refusal.message}; nothing was written", path, line, col,
                      hint=refusal.hint)


@dataclasses.dataclass(frozen=True)
class _Refusal:
    """Why nothing may be written at a path: the finding's code, what is wrong with the path, the hint."""

    code: str
    message: str
    hint: str


def _place(root: Path | str, target: str, base: Path | str | None, directory: bool,
           outside_ok: bool) -> tuple[str, str, bool] | _Refusal:
    """The real path of ``target``, its repository-relative form and whether it is inside; or why not."""
    root_real = os.path.realpath(root)
    if not target or "\0" in target:
        return _Refusal("write.not-a-file", "is not a usable path", "give a file path inside the repository")
    # An absolute (or ``~``) target replaces the base; either way the real path decides below.
    full = os.path.join(os.path.abspath(base if base is not None else root), os.path.expanduser(target))
    head, name = os.path.split(full.rstrip(os.sep) if len(full) > 1 else full)
    if name in ("", ".", "..") and not directory:
        return _Refusal("write.not-a-file", "names a directory, not a file", "give a file path")
    try:
        real_parent = os.path.realpath(head)
    except (OSError, ValueError, RuntimeError):
        return _Refusal("write.outside-repo", "cannot be resolved", "give a path inside the repository")
    real = os.path.normpath(os.path.join(real_parent, name))
    inside = os.path.commonpath([real, root_real]) == root_real
    if not inside and outside_ok:
        # The user's own path may lie outside, but only where it says so: a path that names a place in the
        # repository is not carried out of it by a symlinked directory the repository commits.
        root_abs = os.path.abspath(root)
        lexical = os.path.normpath(full)
        outside_ok = os.path.commonpath([lexical, root_abs]) != root_abs
    if not inside and not outside_ok:
        return _Refusal("write.outside-repo", "resolves outside the repository",
                        "govcell writes only inside the repository: use a repository-relative path with no "
                        "'..' and no symlinked directory on the way")
    rel = os.path.relpath(real, root_real).replace(os.sep, "/") if inside else real
    if any(part.lower() == ".git" for part in rel.replace(os.sep, "/").split("/")):
        return _Refusal("write.into-git", "points into .git/", "git's own files are never written by govcell")
    return real, rel, inside


def _over_input(rel: str, inputs: Callable[[str], bool] | None, directory: bool, inside: bool) -> _Refusal | None:
    """Why ``rel`` may not be written because it is (or, for a directory, holds) an input of the cell."""
    if rel == "." and directory:
        return _Refusal("write.over-input", "is the repository itself", "choose a directory of its own (site/)")
    if inputs is not None and not directory and inside and inputs(rel):
        return _Refusal("write.over-input", "is an input file of the cell", "choose another path: govcell never "
                        "overwrites the files it reads")
    if inputs is not None and directory and inside:
        below = rel.rstrip("/") + "/"
        held = [f for f in getattr(inputs, "files", ()) if f.startswith(below) or rel == "."]
        held += [p for p in getattr(inputs, "prefixes", ()) if p.startswith(below)]
        if held:
            return _Refusal("write.over-input", f"holds input files of the cell ({sorted(held)[0]})",
                            "choose a directory of its own (site/)")
    return None


def _existing(real: str, rel: str, directory: bool) -> Target | _Refusal:
    """The target, when what is at ``real`` now (nothing, a file, a directory) may be replaced; else why not."""
    try:
        st = os.lstat(real)
    except FileNotFoundError:
        return Target(real, rel, False)
    except OSError as exc:
        return _Refusal("write.failed", f"cannot be examined ({exc.strerror or exc})", "check its permissions")
    if stat.S_ISLNK(st.st_mode):
        return _Refusal("write.not-a-file", "is a symlink", "remove the symlink: govcell never writes through one")
    if directory:
        if not stat.S_ISDIR(st.st_mode):
            return _Refusal("write.not-a-file", "exists and is not a directory", "remove it or choose another path")
    elif not stat.S_ISREG(st.st_mode):
        return _Refusal("write.not-a-file", "exists and is not a regular file (a directory, FIFO or device)",
                        "remove it or choose another path")
    return Target(real, rel, True)


def write_output(root: Path | str, target: str, text: str | bytes, *, what: str,
                 inputs: Callable[[str], bool] | None = None, base: Path | str | None = None,
                 where: tuple[str, int, int] | None = None, outside_ok: bool = False) -> Diagnostic | None:
    """Write ``text`` to ``target`` under the path policy; the finding when it may not (or could not)."""
    from govcell.diagnostics import diag

    place, problem = resolve_output(root, target, what=what, inputs=inputs, base=base, where=where,
                                    outside_ok=outside_ok)
    if place is None:
        return problem
    try:
        write_atomic(place.path, text)
    except OSError as exc:
        path, line, col = where if where is not None else (place.rel, 0, 0)
        return diag("write.failed", f"cannot write {what} '{place.rel}': {exc.strerror or exc}", path, line, col,
                    hint="check the directory's permissions and free space")
    return None


def _printable(text: str) -> str:
    from govcell.diagnostics import printable

    return printable(text)


# --------------------------------------------------------------------------- directories swapped in whole


def fresh_dir_beside(place: Target) -> str:
    """A new empty directory next to ``place`` (same file system), mode as ``mkdir`` would make it."""
    parent = os.path.dirname(place.path)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(place.path)}.new-", dir=parent)
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def swap_in(fresh: str, place: Target) -> None:
    """Replace the directory ``place`` by ``fresh``: the old one is renamed away, then deleted.

    Never follows a symlink: :func:`resolve_output` refused one, and the old
    directory is removed with ``shutil.rmtree``, which does not follow links in it.
    """
    import shutil

    old = None
    if os.path.lexists(place.path):
        old = tempfile.mkdtemp(prefix=f".{os.path.basename(place.path)}.old-", dir=os.path.dirname(place.path))
        os.rmdir(old)
        os.rename(place.path, old)
    try:
        os.rename(fresh, place.path)
    except BaseException:
        if old is not None:
            os.rename(old, place.path)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
