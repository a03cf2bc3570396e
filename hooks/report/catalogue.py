"""The finding-code catalogue: what each code means and how to fix it, for reporters.

docs/findings.md is the one place codes are explained for people; code-scanning
tools (SARIF rules' full description and help) need the same text from the
installed package, where docs/ is not.  So ``catalogue.json`` beside this
module is generated from docs/findings.md (``python -m govcell.report.catalogue``) and a
test keeps it current.  Each entry: the code's meaning and fix as Markdown and
as plain text, and the anchor of its section on the published findings page.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

#: Where the findings page is published (the project's documentation site).
DOCS_URL = "https://govcell.dev/findings/"
_CODE = re.compile(r"`([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)`")
_SUFFIX = re.compile(r"`(\.[a-z0-9-]+)`")


def parse(markdown: str) -> dict[str, dict[str, str]]:
    """Code -> {meaning, fix, anchor} from the tables of docs/findings.md."""
    out: dict[str, dict[str, str]] = {}
    suffixes: dict[str, tuple[str, str, str]] = {}
    anchor = ""
    listing = False  # inside the paragraph that spells out the codes of a suffix table
    for line in markdown.splitlines():
        if line.startswith("## "):
            anchor = _slug(line[3:])
            continue
        listing = line.startswith("Every code this makes:") or (listing and bool(line.strip()))
        if listing:
            for code in _CODE.findall(line):
                suffix = next((s for s in suffixes if code.endswith(s)), None)
                if suffix and code not in out:
                    meaning, fix, where = suffixes[suffix]
                    out[code] = {"meaning": meaning, "fix": fix, "anchor": where}
            continue
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        head, meaning, fix = cells[0], cells[1], cells[2]
        for suffix in _SUFFIX.findall(head) if head.startswith("`.") else []:
            suffixes[suffix] = (meaning, fix, anchor)
        for code in _CODE.findall(head):
            out.setdefault(code, {"meaning": meaning, "fix": fix, "anchor": anchor})
    return dict(sorted(out.items()))


def _slug(title: str) -> str:
    """MkDocs' default heading anchor (toc's slugify): lower case, word characters and dashes."""
    text = re.sub(r"[^\w\s-]", "", title.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def plain(markdown: str) -> str:
    """Markdown cell text as plain text (code spans and links unwrapped)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    return text.replace("`", "").replace("**", "")


@functools.cache
def load() -> dict[str, dict[str, str]]:
    """The packaged catalogue (empty when it is missing: reporters then say less, never fail)."""
    path = Path(__file__).with_name("catalogue.json")
    try:
        data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def entry(code: str) -> dict[str, Any] | None:
    """What ``code`` means, how to fix it and where it is documented; a family's entry for unknown codes."""
    cat = load()
    found = cat.get(code)
    if found is None:
        return None
    return {**found, "url": f"{DOCS_URL}#{found['anchor']}" if found.get("anchor") else DOCS_URL}


def render(markdown: str) -> str:
    return json.dumps(parse(markdown), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m govcell.report.catalogue: regenerate from docs/findings.md
    root = Path(__file__).resolve().parents[2]
    target = Path(__file__).with_name("catalogue.json")
    target.write_text(render((root / "docs" / "findings.md").read_text(encoding="utf-8")), encoding="utf-8")
