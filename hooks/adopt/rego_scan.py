"""A light scan of ``.rego`` files for ``init``: package, whether a file is a policy, the input it reads.

The policy check parses Rego properly (``govcell.derive.policy``); ``init`` only
needs to match each policy with the input that fits it (``best_input``): the
input whose top-level keys hold every ``input.X`` the policy reads, and among
those the one sharing most field names with it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path
from typing import Any


#: Rego namespaces whose ``x.f(...)`` calls are builtins, not field accesses.
REGO_BUILTIN_NAMESPACES = {
    "object", "regex", "strings", "array", "json", "yaml", "time", "crypto", "units", "net", "io", "rego",
    "data", "future", "glob", "http", "graph", "semver", "base64", "base64url", "urlquery", "hex", "numbers",
    "sets", "bits", "opa", "uuid", "providers", "input", "rand", "trace", "walk", "print",
}


_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.M)


IDENT = re.compile(r"^[A-Za-z_][\w-]*$")
_POLICY_RULE = re.compile(r"^\s*(?:default\s+)?(deny|violation|warn)(?:_\w+)?\b", re.M)


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')


_COMMENT = re.compile(r"#[^\n]*")


_INPUT_REF = re.compile(r"\binput\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*\"([^\"]+)\"\s*\])")


_FIELD = re.compile(r"(?<=[\w\])])\s*\.\s*([A-Za-z_]\w*)")


_OWNER = re.compile(r"([A-Za-z_]\w*)\s*$")


@dataclasses.dataclass
class PolicyFile:
    """A ``.rego`` file as ``init`` sees it (a light scan; the policy check parses it properly)."""

    path: str
    package: str
    is_policy: bool  #: has deny/violation/warn rules and is not a *_test.rego
    top_refs: set[str]  #: input.X / input["X"]
    fields: set[str]  #: every field name it mentions

    @property
    def stem(self) -> str:
        return Path(self.path).stem


def scan_policy(path: str, text: str) -> PolicyFile:
    """Package, whether it is a policy, and the shape of input it reads."""
    strings = [s[1:-1] for s in _STRING.findall(text)]
    code = _COMMENT.sub("", _STRING.sub('""', text))
    # Quoted keys survive comment stripping through the saved list; input["x"] needs the raw text.
    raw_code = _COMMENT.sub("", text)
    package = m.group(1) if (m := _PACKAGE.search(code)) else ""
    top = {a or b for a, b in _INPUT_REF.findall(raw_code)}
    fields = set()
    for m in _FIELD.finditer(code):
        owner = _OWNER.search(code, 0, m.start())
        if not (owner and owner.group(1) in REGO_BUILTIN_NAMESPACES and code[m.end():].lstrip().startswith("(")):
            fields.add(m.group(1))
    fields |= {s for s in strings if IDENT.match(s)}
    fields |= top
    is_policy = not path.endswith("_test.rego") and bool(_POLICY_RULE.search(code))
    return PolicyFile(path, package, is_policy, top, fields)


@dataclasses.dataclass
class Candidate:
    """An input a policy could judge: a target of ``policy.targets`` (and, if composed, its definition)."""

    target: str  #: built-in name, file path, or the name of a composed input
    describe: str  #: for the plan: what the input is
    data: Any  #: a sample of its content (for shape matching)
    composed: dict[str, Any] | None = None  #: the policy.inputs entry, for composed inputs

    @property
    def top_keys(self) -> set[str]:
        return {str(k) for k in self.data} if isinstance(self.data, dict) else set()

    @functools.cached_property
    def all_keys(self) -> set[str]:
        return _keys(self.data, 0)


def _keys(value: Any, depth: int) -> set[str]:
    out: set[str] = set()
    if depth > 8:
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(str(k))
            out |= _keys(v, depth + 1)
    elif isinstance(value, list):
        for v in value[:200]:
            out |= _keys(v, depth + 1)
    return out


def best_input(policy: PolicyFile, candidates: list[Candidate]) -> Candidate | None:
    """The input that fits ``policy`` (see the module docstring), or None."""
    if not policy.top_refs:
        return None
    fitting = [c for c in candidates if policy.top_refs <= c.top_keys]
    if not fitting:
        return None
    return max(enumerate(fitting),
               key=lambda ic: (len(policy.fields & ic[1].all_keys), -len(ic[1].top_keys), -ic[0]))[1]
