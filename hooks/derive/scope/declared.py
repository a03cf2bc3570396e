"""Declared scopes: what a commit trailer, a pull request's ``## Scope`` block or ``GOVCELL_SCOPE`` says.

A declaration is a type (its first word, one of ``scope.types``) and an intent
(the rest); the message and scope files it is read from are size-bounded, and
an unreadable one is a finding.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from govcell.diagnostics import Diagnostic, diag

SCOPE_ENV = "GOVCELL_SCOPE"
SCOPE_FILE_ENV = "GOVCELL_SCOPE_FILE"
#: Largest commit message or scope file read (a pull-request body is a few kilobytes).
MAX_MESSAGE_BYTES = 1024 * 1024
_BLOCK = re.compile(r"^\s{0,3}#{1,6}\s*Scope\s*$", re.IGNORECASE | re.MULTILINE)
_FIELD = re.compile(r"^\s*[-*]?\s*\**(Type|Intent|Touchpoints)\**\s*:\s*\**\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclasses.dataclass
class Declared:
    """A declared scope: where it came from, its type (first word) and the rest (the intent)."""

    declared: bool = False
    type: str = "any"
    intent: str = ""
    source: str = "none"  #: trailer | file | env | none
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)



def parse_value(value: str, source: str) -> Declared:
    """``governance: why`` / ``governance - why`` / ``governance`` -> a declaration (empty: not declared)."""
    value = " ".join(value.split())
    if not value:
        return Declared(source=source)
    m = re.match(r"([A-Za-z][\w-]*)\s*(?:[:;,—–-]+\s*)?(.*)$", value)
    kind, intent = (m.group(1).lower(), m.group(2)) if m else ("any", value)
    return Declared(True, kind, intent, source, value)


def trailers(root: Path, message: str) -> dict[str, list[str]]:
    """The trailers of a commit message (as ``git interpret-trailers --parse`` reads them), key -> values."""
    from govcell.load.git import git

    out = git(root, "-c", "trailer.separators=:", "interpret-trailers", "--parse", "--no-divider",
              input_=message.encode("utf-8", "surrogateescape"))
    found: dict[str, list[str]] = {}
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def from_trailers(found: dict[str, list[str]], trailer: str) -> Declared:
    """The declaration in a commit's trailers (the key compared case-insensitively, as git does)."""
    values = [v for k, vs in found.items() if k.lower() == trailer.lower() for v in vs]
    return parse_value(values[0], "trailer") if values else Declared()


def from_text(text: str, trailer: str, source: str) -> Declared:
    """A pull request's declaration: a ``## Scope`` block (``Type:``, ``Intent:``) or a ``Trailer: value`` line."""
    block = _BLOCK.search(text)
    if block:
        rest = text[block.end():]
        nxt = re.search(r"^\s{0,3}#{1,6}\s", rest, re.MULTILINE)
        body = rest[:nxt.start()] if nxt else rest
        fields = {k.lower(): v for k, v in reversed(_FIELD.findall(body))}
        kind = (fields.get("type") or "any").split()[0].strip("`*|").lower() if fields.get("type") else "any"
        return Declared(True, kind or "any", fields.get("intent", ""), source, " ".join(body.split())[:500])
    m = re.search(rf"^\s*{re.escape(trailer)}\s*:\s*(.+)$", text, re.IGNORECASE | re.MULTILINE)
    return parse_value(m.group(1), source) if m else Declared(source="none")


def read_limited(root: Path, rel: str, what: str) -> tuple[str | None, list[Diagnostic]]:
    """A message or scope file, read under the size bound; a finding when it cannot be read."""
    path = Path(rel) if os.path.isabs(rel) else root / rel
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_MESSAGE_BYTES + 1)
    except OSError as exc:
        return None, [diag("scope.unreadable", f"cannot read the {what} {rel}: {exc.strerror or exc}", rel,
                           hint=f"pass the {what} that exists (pre-commit passes the commit message file)")]
    if len(data) > MAX_MESSAGE_BYTES:
        return None, [diag("scope.unreadable", f"the {what} {rel} is larger than {MAX_MESSAGE_BYTES} bytes", rel,
                           hint=f"a {what} is a few kilobytes; pass the right file")]
    return data.decode("utf-8", "replace"), []


def pr_declaration(root: Path, trailer: str, scope_file: str | None) -> tuple[Declared, list[Diagnostic]]:
    """The pull request's declaration: ``--scope-file`` / ``GOVCELL_SCOPE_FILE``, else ``GOVCELL_SCOPE``."""
    scope_file = scope_file or os.environ.get(SCOPE_FILE_ENV) or None
    if scope_file:
        text, problems = read_limited(root, scope_file, "scope file")
        if text is None:
            return Declared(), problems
        return from_text(text, trailer, "file"), []
    value = os.environ.get(SCOPE_ENV)
    if value is not None and value.strip():
        return parse_value(value, "env"), []
    return Declared(), []


def type_problem(d: Declared, types: list[str], where: str, path: str) -> list[Diagnostic]:
    if not d.declared or not types or d.type in types or d.type == "any":
        return []
    return [diag("scope.unknown-type", f"{where} declares scope type '{d.type}', which is not one of "
                 f"{', '.join(types)}", path, hint=f"start the declaration with one of: {', '.join(types)} "
                 "(scope.types in the configuration)")]


def strip_comments(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
