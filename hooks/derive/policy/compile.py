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
all go through one ``Failures`` registry (``govcell.derive.policy.failures``):
one cause (a code at a place) is one finding, whatever the number of fixtures,
targets or compile units that hit it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any

from govcell.diagnostics import did_you_mean
from govcell.derive.policy.failures import WITHOUT_INPUT, EngineError, EngineFailure, Failure, Failures, call, \
    classify
from govcell.derive.policy.rego_ast import RuleDef, Source, head_ref, max_refs, node, ref_path, span_of, variables, \
    walk

#: builtins OPA deprecated and Rego v1 removed (regorus has none of them), and what replaces each
_REMOVED = {"re_match": "regex.match", "any": "`some x in xs` or a comprehension", "all": "`every`",
            "set_diff": "the `-` operator", "net.cidr_overlap": "net.cidr_contains",
            "cast_array": "a comprehension", "cast_set": "a set comprehension", "cast_string": "format_int or sprintf",
            "cast_boolean": "an equality test", "cast_null": "null", "cast_object": "an object comprehension"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_KEYWORDS = {"input", "data", "_"}


# --------------------------------------------------------------------------- the static half


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
            path = ref_path(body.get("refr"))
            kind, shape, arity = "default", "complete", len(body.get("args") or [])
            head_path = path[1] if path else []
        else:
            ((head_form, head),) = body["head"].items()
            head_path = head_ref(head)
            kind = "func" if head_form == "Func" else "value"
            arity = len(head.get("args") or []) if head_form == "Func" else 0
            ref_kind, ref = node(head.get("refr"))
            if head_form == "Func":
                shape = "func"
            elif ref_kind == "Var":
                shape = "set" if head_form == "Set" else "complete"
            elif ref_kind == "RefBrack" and node(ref.get("refr"))[0] == "Var" and head_form != "Set":
                shape = "object"  # p[k] := v
            else:
                shape = "ref"
        if not head_path:
            return None
        line, col = span_of(body)
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
                name = self.rule_at(src.path, span_of(body)[0])
                self._calls(src, pkg, aliases, body, name, failures)
                self._refs(src, aliases, body, name, failures)
                if form == "Spec":
                    self._head_safety(src, body, local, name, failures)
        self._definitions(failures)

    def _imports(self, src: Source, failures: Failures) -> dict[str, tuple[str, ...]]:
        aliases: dict[str, tuple[str, ...]] = {}
        for imp in src.module.get("imports", []):
            found = ref_path(imp.get("refr"))
            if not found or found[1][0] not in ("data", "input"):
                continue  # rego.v1, future.keywords
            path = tuple(found[1])
            alias = src.slice(imp["as"]) if isinstance(imp.get("as"), dict) else path[-1]
            line, col = span_of(found[0])
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
        for ref in max_refs(rule):
            found = ref_path(ref)
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
                failures.add("policy.undefined-ref", src.path, *span_of(root), self._undefined_message(full),
                             rule=name)

    def _calls(self, src: Source, pkg: tuple[str, ...], aliases: dict[str, tuple[str, ...]],
               rule: dict[str, Any], name: str, failures: Failures) -> None:
        # f(x, out) binds out to f(x), but only where the call is a statement (`not f(x, out)` too)
        nodes = walk(rule, ("Call", "Expr", "NotExpr"))
        statements = {id(node(lit.get("expr"))[1]) for lit in nodes["Expr"] + nodes["NotExpr"]
                      if node(lit.get("expr"))[0] == "Call"}
        for c in sorted(nodes["Call"], key=span_of):
            extra = 1 if id(c) in statements else 0
            found = ref_path(c.get("fcn"))
            if found is None:
                continue
            root, parts = found
            n = len(c.get("params") or [])
            line, col = span_of(root)
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
        bound_by_args = {v["value"] for v in variables(head.get("args") or [])}
        head_exprs: list[Any] = []
        if head_form == "Set":
            head_exprs.append(head.get("key"))
        ref = head.get("refr")
        while True:  # indexes of a ref head: obj[k] := v
            kind, body = node(ref)
            if kind == "RefBrack":
                head_exprs.append(body.get("index"))
            if kind not in ("RefDot", "RefBrack"):
                break
            ref = body.get("refr")
        main_value = (head.get("assign") or {}).get("value")
        for body in rule.get("bodies") or []:
            value = (body.get("assign") or {}).get("value") if body.get("is_else") else main_value
            exprs = head_exprs + ([value] if value is not None else [])
            wanted = [v for v in variables(exprs) if v["value"] not in known | bound_by_args]
            if not wanted:
                continue
            bound = self._bound(src, (body.get("query") or {}).get("stmts") or [])
            for var in wanted:
                if var["value"] not in bound:
                    failures.add("policy.unsafe-var", src.path, *span_of(var),
                                 f"var {var['value']} is unsafe: the rule head uses it, but "
                                 f"{'its else branch' if body.get('is_else') else 'its body'} never binds it",
                                 rule=name)

    def _bound(self, src: Source, stmts: list[Any]) -> set[str]:
        names = {v["value"] for v in variables(stmts, skip_calls=False)}
        for stmt in stmts:
            kind, body = node(stmt.get("literal"))
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
