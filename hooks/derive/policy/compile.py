"""Compile-time checks of a cell's Rego files, as ``opa check`` makes them.

The embedded engine (regorus) parses a file when it is added, but it analyses
the rules only when one is first evaluated, reports the first problem it finds
in the whole engine, and reports some problems (a call to a function that does
not exist, a head variable the body never binds) only when evaluation reaches
them.  A policy that no fixture or target feeds would never be checked.  So the
check has two halves, both run for every ``.rego`` file:

* **static**, over the engine's own AST (``Engine.get_ast_as_json``): every call
  names a function of a loaded package or a builtin of this engine (asked of the
  engine itself, once per name and number of arguments) and passes a number of
  arguments it takes; every variable of a rule head is bound by each body; a
  reference into a loaded package names a rule of it; a rule has at most one
  default and is not both a function and a value;
* **dynamic**: each set of files evaluated together (a policy with the
  libraries; every file at once, as ``opa check`` loads them) is evaluated once
  without input, one query per package, so the engine's analysis runs over
  every rule (unsafe variables, undefined names, conflicting definitions,
  recursion).  When that query fails at run time, each rule is evaluated on its
  own, so every failing rule is located.

Engine errors, static findings and the errors fixtures and targets hit later
all go through one ``Failures`` registry: one cause (a code at a place) is one
finding, whatever the number of fixtures, targets or compile units that hit it.
An engine error is never a traceback: its text is parsed into a location and a
message, and a Rust panic is a finding that says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean

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


# --------------------------------------------------------------------------- AST walking

_COMPREHENSIONS = ("ArrayCompr", "SetCompr", "ObjectCompr", "Every")
#: builtins OPA deprecated and Rego v1 removed (regorus has none of them), and what replaces each
_REMOVED = {"re_match": "regex.match", "any": "`some x in xs` or a comprehension", "all": "`every`",
            "set_diff": "the `-` operator", "net.cidr_overlap": "net.cidr_contains",
            "cast_array": "a comprehension", "cast_set": "a set comprehension", "cast_string": "format_int or sprintf",
            "cast_boolean": "an equality test", "cast_null": "null", "cast_object": "an object comprehension"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_KEYWORDS = {"input", "data", "_"}


def _node(expr: Any) -> tuple[str, dict[str, Any]]:
    """An AST expression as (kind, body): ``{"Var": {...}}`` -> ("Var", {...})."""
    if isinstance(expr, dict) and len(expr) == 1:
        ((kind, body),) = expr.items()
        if isinstance(body, dict):
            return kind, body
    return "", {}


def _ref_path(expr: Any) -> tuple[dict[str, Any], list[str]] | None:
    """A reference's root Var and its static path: ``data.lib["x"].y`` -> (data, [data, lib, x, y]).

    The path stops before the first dynamic segment (``input.items[i].name`` -> [input, items]).
    """
    kind, body = _node(expr)
    tail: list[str] = []  # outermost segment first
    while kind in ("RefDot", "RefBrack"):
        if kind == "RefDot":
            field = body.get("field")
            tail.append(str(field[1]) if isinstance(field, list) and len(field) == 2 else "")
        else:
            ikind, ibody = _node(body.get("index"))
            if ikind == "String":
                tail.append(str(ibody.get("value")))
            else:
                tail = []  # the segments outside this index lie past a dynamic one
        kind, body = _node(body.get("refr"))
    if kind != "Var":
        return None
    return body, [body["value"], *reversed(tail)]


def _max_refs(tree: Any) -> Iterator[dict[str, Any]]:
    """Every outermost reference (``a.b.c``, not also ``a.b``), outside the names of called functions."""
    if isinstance(tree, list):
        for item in tree:
            yield from _max_refs(item)
        return
    if not isinstance(tree, dict):
        return
    kind, body = _node(tree)
    if kind in ("RefDot", "RefBrack"):
        yield tree
        while kind in ("RefDot", "RefBrack"):  # only the indexes inside may hold further references
            if kind == "RefBrack":
                yield from _max_refs(body.get("index"))
            kind, body = _node(body.get("refr"))
        return
    if kind == "Call":
        yield from _max_refs(body.get("params"))
        return
    for key, value in (body if kind else tree).items():
        if key != "span" and isinstance(value, (dict, list)):
            yield from _max_refs(value)


def _vars(expr: Any, *, skip_calls: bool = True) -> Iterator[dict[str, Any]]:
    """Every Var node in an expression, outside comprehensions and not naming a called function."""
    if isinstance(expr, list):
        for item in expr:
            yield from _vars(item, skip_calls=skip_calls)
        return
    if not isinstance(expr, dict):
        return
    kind, body = _node(expr)
    if kind == "Var":
        yield body
        return
    if kind in _COMPREHENSIONS:
        return
    if kind == "Call" and skip_calls:
        yield from _vars(body.get("params"), skip_calls=skip_calls)
        return
    if kind == "RefDot":
        yield from _vars(body.get("refr"), skip_calls=skip_calls)
        return
    for key, value in (body.items() if kind else expr.items()):
        if key not in ("span", "eidx", "sidx", "qidx", "field"):
            yield from _vars(value, skip_calls=skip_calls)


def _walk(tree: Any, kinds: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """Every node of the given kinds (e.g. ``Call``), anywhere, comprehensions included, in one pass."""
    found: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "span":
                    continue  # every node has one: four numbers, never a node
                if isinstance(value, dict):
                    if key in found:
                        found[key].append(value)
                    stack.append(value)
                elif isinstance(value, list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(x for x in item if isinstance(x, (dict, list)))
    return found


def _span(node: dict[str, Any]) -> tuple[int, int]:
    span = node.get("span") or node
    return int(span.get("line", 0)), int(span.get("col", 0))


# --------------------------------------------------------------------------- the static half


@dataclasses.dataclass
class Source:
    """What the checks need of one parsed file."""

    path: str
    text: str
    package: str  # "data.main"
    module: dict[str, Any]  # the engine's AST of the file: {"package", "imports", "rules"}

    def slice(self, span: dict[str, Any]) -> str:
        data = self.text.encode("utf-8")
        return data[int(span.get("start", 0)): int(span.get("end", 0))].decode("utf-8", "replace")


@dataclasses.dataclass
class RuleDef:
    source: Source
    name: str  # first segment of the head reference
    path: tuple[str, ...]  # the whole static head path, package included
    kind: str  # default | func | value
    shape: str  # complete | set | object | func | ref (a head with a dotted path: a.b.c := 1)
    arity: int
    line: int
    col: int
    end_line: int


def _head_ref(head: dict[str, Any]) -> list[str]:
    found = _ref_path(head.get("refr"))
    return found[1] if found else []


class Analysis:
    """Tables of every file's packages, rules, functions and imports, and the static checks over them."""

    def __init__(self, sources: list[Source], builtin: Callable[[str, int], tuple[str, int]]) -> None:
        self.sources = sources
        self.builtin = builtin
        self.rules: list[RuleDef] = []
        self.by_package: dict[tuple[str, ...], dict[str, list[RuleDef]]] = {}
        self.functions: dict[tuple[str, ...], set[int]] = {}
        for src in sources:
            pkg = tuple(src.package.split("."))
            names = self.by_package.setdefault(pkg, {})
            for rule in src.module.get("rules", []):
                rd = self._rule_def(src, pkg, rule)
                if rd is None:
                    continue
                self.rules.append(rd)
                names.setdefault(rd.name, []).append(rd)
                if rd.kind == "func":
                    self.functions.setdefault(rd.path, set()).add(rd.arity)

    @staticmethod
    def _rule_def(src: Source, pkg: tuple[str, ...], rule: dict[str, Any]) -> RuleDef | None:
        ((form, body),) = rule.items()
        span = body.get("span", {})
        end_line = src.text.encode("utf-8")[: int(span.get("end", 0))].count(b"\n") + 1
        if form == "Default":
            path = _ref_path(body.get("refr"))
            kind, shape, arity = "default", "complete", len(body.get("args") or [])
            head_path = path[1] if path else []
        else:
            ((head_form, head),) = body["head"].items()
            head_path = _head_ref(head)
            kind = "func" if head_form == "Func" else "value"
            arity = len(head.get("args") or []) if head_form == "Func" else 0
            ref_kind, ref = _node(head.get("refr"))
            if head_form == "Func":
                shape = "func"
            elif ref_kind == "Var":
                shape = "set" if head_form == "Set" else "complete"
            elif ref_kind == "RefBrack" and _node(ref.get("refr"))[0] == "Var" and head_form != "Set":
                shape = "object"  # p[k] := v
            else:
                shape = "ref"
        if not head_path:
            return None
        line, col = _span(body)
        return RuleDef(src, head_path[0], pkg + tuple(head_path), kind, shape, arity, line, col, end_line)

    def rule_at(self, path: str, line: int) -> str:
        """The name of the rule whose text holds ``path:line`` (innermost first)."""
        best: RuleDef | None = None
        for rd in self.rules:
            if rd.source.path == path and rd.line <= line <= rd.end_line and (best is None or rd.line >= best.line):
                best = rd
        return best.name if best else ""

    def names(self, package: str) -> list[str]:
        """Rule names of a package, in order, functions left out (they are evaluated through their callers)."""
        defs = self.by_package.get(tuple(package.split(".")), {})
        return [name for name, rds in defs.items() if any(rd.kind != "func" for rd in rds)]

    # ------------------------------------------------------------ checks

    def check(self, failures: Failures) -> None:
        for src in self.sources:
            aliases = self._imports(src, failures)
            pkg = tuple(src.package.split("."))
            local = set(self.by_package.get(pkg, {})) | set(aliases) | _KEYWORDS
            for rule in src.module.get("rules", []):
                ((form, body),) = rule.items()
                name = self.rule_at(src.path, _span(body)[0])
                self._calls(src, pkg, aliases, body, name, failures)
                self._refs(src, aliases, body, name, failures)
                if form == "Spec":
                    self._head_safety(src, body, local, name, failures)
        self._definitions(failures)

    def _imports(self, src: Source, failures: Failures) -> dict[str, tuple[str, ...]]:
        aliases: dict[str, tuple[str, ...]] = {}
        for imp in src.module.get("imports", []):
            found = _ref_path(imp.get("refr"))
            if not found or found[1][0] not in ("data", "input"):
                continue  # rego.v1, future.keywords
            path = tuple(found[1])
            alias = src.slice(imp["as"]) if isinstance(imp.get("as"), dict) else path[-1]
            line, col = _span(found[0])
            if self._undefined(path):
                failures.add("policy.undefined-ref", src.path, line, col, self._undefined_message(path))
                continue
            aliases[alias] = path
        return aliases

    def _undefined(self, path: tuple[str, ...]) -> bool:
        """True when ``path`` goes into a loaded package through a name that package does not define."""
        if path[0] != "data" or path[:2] == ("data", "govcell"):
            return False  # policy.data is mounted at data.govcell and may hold anything
        for cut in range(len(path) - 1, 1, -1):
            pkg = path[:cut]
            if pkg in self.by_package:
                name = path[cut]
                if name in self.by_package[pkg]:
                    return False
                return not any(other[: cut + 1] == path[: cut + 1] for other in self.by_package)
        return False

    def _undefined_message(self, path: tuple[str, ...]) -> str:
        for cut in range(len(path) - 1, 1, -1):
            pkg = path[:cut]
            if pkg in self.by_package:
                close = did_you_mean(path[cut], list(self.by_package[pkg]))
                return (f"undefined reference {'.'.join(path)}: package {'.'.join(pkg)} has no rule {path[cut]}"
                        + (f"; {close}" if close else ""))
        return f"undefined reference {'.'.join(path)}"

    def _refs(self, src: Source, aliases: dict[str, tuple[str, ...]], rule: dict[str, Any], name: str,
              failures: Failures) -> None:
        for ref in _max_refs(rule):
            found = _ref_path(ref)
            if found is None:
                continue
            root, path = found
            if path[0] in aliases:
                full = aliases[path[0]] + tuple(path[1:])
            elif path[0] == "data":
                full = tuple(path)
            else:
                continue
            if len(full) > 2 and self._undefined(full):
                failures.add("policy.undefined-ref", src.path, *_span(root), self._undefined_message(full),
                             rule=name)

    def _calls(self, src: Source, pkg: tuple[str, ...], aliases: dict[str, tuple[str, ...]],
               rule: dict[str, Any], name: str, failures: Failures) -> None:
        # f(x, out) binds out to f(x), but only where the call is a statement (`not f(x, out)` too)
        nodes = _walk(rule, ("Call", "Expr", "NotExpr"))
        statements = {id(_node(lit.get("expr"))[1]) for lit in nodes["Expr"] + nodes["NotExpr"]
                      if _node(lit.get("expr"))[0] == "Call"}
        for c in sorted(nodes["Call"], key=_span):
            extra = 1 if id(c) in statements else 0
            found = _ref_path(c.get("fcn"))
            if found is None:
                continue
            root, parts = found
            n = len(c.get("params") or [])
            line, col = _span(root)
            if parts[0] in aliases:
                full: tuple[str, ...] | None = aliases[parts[0]] + tuple(parts[1:])
            elif parts[0] == "data":
                full = tuple(parts)
            elif pkg + tuple(parts) in self.functions:
                full = pkg + tuple(parts)
            else:
                full = None
            if full is not None:
                if full[0] != "data":
                    continue
                arities = self.functions.get(full)
                shown = ".".join(full)
                if arities is None:
                    close = did_you_mean(full[-1], [p[-1] for p in self.functions if p[:-1] == full[:-1]])
                    failures.add("policy.undefined-function", src.path, line, col,
                                 f"undefined function {shown}" + (f"; {close}" if close else ""), rule=name)
                elif n not in arities and n - extra not in arities:
                    want = " or ".join(map(str, sorted(arities)))
                    failures.add("policy.wrong-arity", src.path, line, col,
                                 f"function {shown} takes {want} argument(s), called with {n}", rule=name)
                continue
            dotted = ".".join(parts)
            if not _IDENT.match(dotted):
                continue
            verdict, expected = self.builtin(dotted, n)
            if verdict == "unknown":
                close = did_you_mean(parts[-1], [p[-1] for p in self.functions if p[: len(pkg)] == pkg])
                if dotted in _REMOVED:
                    close = f"it was removed from Rego: use {_REMOVED[dotted]}"
                failures.add("policy.undefined-function", src.path, line, col,
                             f"undefined function {dotted}" + (f"; {close}" if close else ""), rule=name)
            elif verdict == "arity" and n != expected + extra:
                failures.add("policy.wrong-arity", src.path, line, col,
                             f"`{dotted}` expects {expected} argument(s), called with {n}", rule=name)

    def _head_safety(self, src: Source, rule: dict[str, Any], known: set[str], name: str,
                     failures: Failures) -> None:
        """Each variable of the head must be bound by every body (``deny[msg] { input.x }`` is unsafe)."""
        ((head_form, head),) = rule["head"].items()
        bound_by_args = {v["value"] for v in _vars(head.get("args") or [])}
        head_exprs: list[Any] = []
        if head_form == "Set":
            head_exprs.append(head.get("key"))
        ref = head.get("refr")
        while True:  # indexes of a ref head: obj[k] := v
            kind, body = _node(ref)
            if kind == "RefBrack":
                head_exprs.append(body.get("index"))
            if kind not in ("RefDot", "RefBrack"):
                break
            ref = body.get("refr")
        main_value = (head.get("assign") or {}).get("value")
        for body in rule.get("bodies") or []:
            value = (body.get("assign") or {}).get("value") if body.get("is_else") else main_value
            exprs = head_exprs + ([value] if value is not None else [])
            wanted = [v for v in _vars(exprs) if v["value"] not in known | bound_by_args]
            if not wanted:
                continue
            bound = self._bound(src, (body.get("query") or {}).get("stmts") or [])
            for var in wanted:
                if var["value"] not in bound:
                    failures.add("policy.unsafe-var", src.path, *_span(var),
                                 f"var {var['value']} is unsafe: the rule head uses it, but "
                                 f"{'its else branch' if body.get('is_else') else 'its body'} never binds it",
                                 rule=name)

    def _bound(self, src: Source, stmts: list[Any]) -> set[str]:
        names = {v["value"] for v in _vars(stmts, skip_calls=False)}
        for stmt in stmts:
            kind, body = _node(stmt.get("literal"))
            if kind == "SomeVars":
                names.update(src.slice(span) for span in body.get("vars") or [])
        return names

    def _definitions(self, failures: Failures) -> None:
        """At most one default per rule; a name is a function or a value, never both; one arity per function."""
        for pkg, names in self.by_package.items():
            for name, defs in names.items():
                defs = sorted(defs, key=lambda d: (d.source.path, d.line))
                shown = ".".join((*pkg, name))
                defaults = [d for d in defs if d.kind == "default"]
                for d in defaults[1:]:
                    failures.add("policy.conflicting-rules", d.source.path, d.line, d.col,
                                 f"multiple default rules {shown} found (first at {defaults[0].source.path}:"
                                 f"{defaults[0].line})", rule=name)
                funcs = [d for d in defs if d.kind == "func" and len(d.path) == len(pkg) + 1]
                values = [d for d in defs if d.kind == "value" or (d.kind == "default" and not d.arity)]
                plain = [d for d in values if d.shape in ("complete", "set", "object")]
                other = next((d for d in plain if d.shape != plain[0].shape), None)
                if other is not None:  # p := 1 and p contains 2: the engine says so only once p is evaluated
                    failures.add("policy.conflicting-rules", other.source.path, other.line, other.col,
                                 f"conflicting rules {shown}: a {plain[0].shape} rule at {plain[0].source.path}:"
                                 f"{plain[0].line} and a {other.shape} rule here", rule=name)
                if funcs and values:
                    _first, later = sorted([funcs[0], values[0]], key=lambda d: (d.source.path, d.line))
                    failures.add("policy.conflicting-rules", later.source.path, later.line, later.col,
                                 f"conflicting rules {shown}: a function at {funcs[0].source.path}:{funcs[0].line}"
                                 f" and a value at {values[0].source.path}:{values[0].line}", rule=name)
                for d in funcs:
                    if d.arity != funcs[0].arity:
                        failures.add("policy.conflicting-rules", d.source.path, d.line, d.col,
                                     f"function {shown} is defined with {d.arity} argument(s) here and "
                                     f"{funcs[0].arity} at {funcs[0].source.path}:{funcs[0].line}", rule=name)
                        break


# --------------------------------------------------------------------------- the dynamic half


_PROBES: dict[tuple[str, int], tuple[str, int]] = {}
_EXPECTS = re.compile(r"expects (\d+) argument")


def builtin_probe(regorus: Any) -> Callable[[str, int], tuple[str, int]]:
    """Ask the engine itself whether ``name`` is a builtin taking ``n`` arguments (cached per process).

    Answers ("ok", n), ("unknown", 0) or ("arity", expected).  The probe calls
    the builtin with null arguments: every builtin rejects those before it
    does anything (``http.send`` too), and prints are gathered, not shown.
    """
    engine: list[Any] = []

    def probe(name: str, n: int) -> tuple[str, int]:
        key = (name, n)
        if key not in _PROBES:
            if not engine:
                engine.append(regorus.Engine())
                engine[0].set_gather_prints(True)
            try:
                call(engine[0].eval_query_as_json, f"__govcell_probe := {name}({', '.join(['null'] * n)})")
                _PROBES[key] = ("ok", n)
            except EngineFailure as f:
                m = _EXPECTS.search(f.error.message)
                if "could not find function" in f.error.message:
                    _PROBES[key] = ("unknown", 0)
                elif m:
                    _PROBES[key] = ("arity", int(m.group(1)))
                else:
                    _PROBES[key] = ("ok", n)  # a type error on null arguments: the builtin exists
        return _PROBES[key]

    return probe


def evaluate_unit(engine: Any, packages: Iterable[str], rules: Iterable[str], analysis: Analysis,
                  failures: Failures, file: str) -> bool:
    """Evaluate, without input, each package whole and each of ``rules`` (full paths) on its own.

    A package whose evaluation fails at run time is evaluated again rule by
    rule, so every failing rule is located.  Returns False when the engine's
    analysis rejects the files as a whole (an unsafe variable, a function
    defined with two arities): then nothing in this engine can be evaluated.
    """
    try:
        call(engine.eval_query_as_json, "true", file=file)  # runs the engine's analysis of every loaded module
    except EngineFailure as f:
        _add(failures, analysis, f.error, "")
        return False
    one_by_one = list(rules)
    for package in packages:
        try:
            call(engine.eval_query_as_json, package, file=file)
        except EngineFailure:
            one_by_one += [f"{package}.{name}" for name in analysis.names(package)]
    for full in dict.fromkeys(one_by_one):
        try:
            call(engine.eval_query_as_json, full, file=file)
        except EngineFailure as f:
            if not f.error.line:  # some errors carry no location: the rule's own then
                rd = next((rd for rd in analysis.rules if ".".join(rd.path) == full), None)
                if rd is not None:
                    f.error.file, f.error.line, f.error.col = rd.source.path, rd.line, rd.col
            _add(failures, analysis, f.error, WITHOUT_INPUT, full.rsplit(".", 1)[-1])
    return True


_UNDEFINED_VAR = re.compile(r"use of undefined variable `([^`]+)`")


def _cycle(err: EngineError, analysis: Analysis) -> EngineError:
    """A recursion error, told the same whichever rule of the cycle evaluation entered it by.

    The engine lists the rules it went through (``deny -> a -> b -> a``); the
    finding is placed at the cycle's first rule in the file and names the cycle.
    """
    path = err.chain[1:]  # the first location repeats where the recursion was detected
    if len(path) < 2 or path[-1] not in path[:-1]:
        return err
    members = path[path.index(path[-1]):-1]
    start = members.index(min(members))
    members = members[start:] + members[:start]
    names = [analysis.rule_at(f, line) or f"{f}:{line}" for f, line, _ in members]
    file, line, col = members[0]
    return dataclasses.replace(err, file=file, line=line, col=col,
                               message=f"recursion: rule {names[0]} depends on itself "
                                       f"({' -> '.join([*names, names[0]])})")


def _add(failures: Failures, analysis: Analysis, err: EngineError, origin: str, rule: str = "") -> Failure:
    if classify(err.message) == "policy.recursion":
        err = _cycle(err, analysis)
    m = _UNDEFINED_VAR.search(err.message)
    if m:  # a misspelt rule name is an "unsafe variable" to the engine: name the rule that was meant
        package = next((s.package for s in analysis.sources if s.path == err.file), "")
        close = did_you_mean(m.group(1), analysis.names(package)) if package else ""
        if close:
            err = dataclasses.replace(err, message=f"{err.message}; {close}")
    return failures.add_error(err, rule=analysis.rule_at(err.file, err.line) or rule, origin=origin)
