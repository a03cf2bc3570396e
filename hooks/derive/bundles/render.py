"""Rendering a :class:`~govcell.derive.bundles.model.Bundle` as Markdown or XML, and fitting it to its budget.

The one renderer: ``govcell bundle`` writes its output, and a bundle's budget
(:mod:`.budgets`) is the size of its Markdown rendering, so it lives with the
derived bundle; :mod:`govcell.report.bundle` adds the JSON manifest.

Three properties matter to an agent reading a bundle:

* *Deterministic*: the same repository gives byte-identical output (no
  timestamps; order is the contextpack's include order; the commit is named).
* *Unbreakable fences*: a file's content can never end its own block early.
  In Markdown the fence is one backtick longer than the longest backtick run
  in the file; in XML the content is CDATA with ``]]>`` split, or base64 when
  the file holds characters XML 1.0 cannot carry.
* *Additive sizes*: the rendering is ``head + file blocks + tail`` exactly, so
  :func:`fit` can choose files against ``max_bytes`` without re-rendering.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.derive.bundles.model import Bundle, FileInfo

FORMATS = ("md", "xml")
_KIND_WORDS = {"ac": "acceptance criterion", "task": "task", "changes": "review of a change"}
NOT_FIT = "does not fit the budget"

_LANG = {
    "py": "python", "pyi": "python", "md": "markdown", "yaml": "yaml", "yml": "yaml", "json": "json",
    "toml": "toml", "feature": "gherkin", "rego": "rego", "sh": "bash", "bash": "bash", "js": "javascript",
    "ts": "typescript", "rs": "rust", "go": "go", "java": "java", "kt": "kotlin", "rb": "ruby", "c": "c",
    "h": "c", "cpp": "cpp", "hpp": "cpp", "cs": "csharp", "html": "html", "css": "css", "sql": "sql",
    "ini": "ini", "cfg": "ini", "xml": "xml", "nix": "nix", "txt": "text", "j2": "jinja",
}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(bundle: Bundle, fmt: str = "md") -> str:
    """The whole bundle as text: head, one block per carried file, tail."""
    head, blocks, tail = _parts(bundle, fmt)
    return head + "".join(blocks) + tail


def _parts(bundle: Bundle, fmt: str) -> tuple[str, list[str], str]:
    if fmt == "md":
        return _md_head(bundle), [_md_block(f) for f in bundle.files], _md_tail(bundle)
    if fmt == "xml":
        return _xml_head(bundle), [_xml_block(f) for f in bundle.files], _xml_tail(bundle)
    raise ValueError(f"unknown bundle format {fmt!r}; expected one of {', '.join(FORMATS)}")


def fit(bundle: Bundle, fmt: str = "md") -> Bundle:
    """The bundle with files left out (in include order, first fit) so it fits ``max_bytes``.

    Nothing is dropped silently: every left-out file moves to ``omitted`` and is
    listed in the bundle's tail and manifest.  The tail is sized as if every
    file were left out, so the result never exceeds the budget (unless the
    head alone does, which the caller reports).
    """
    head, blocks, tail = _parts(bundle, fmt)
    sizes = [len(b.encode("utf-8")) for b in blocks]
    if len(head.encode()) + sum(sizes) + len(tail.encode()) <= bundle.max_bytes:
        return bundle
    all_out = bundle.omitted + [(f.path, f.size, NOT_FIT) for f in bundle.files]
    bare = dataclasses.replace(bundle, files=[], omitted=all_out)
    remaining = bundle.max_bytes - len(render(bare, fmt).encode("utf-8"))
    kept: list[FileInfo] = []
    dropped: list[tuple[str, int, str]] = []
    for f, size in zip(bundle.files, sizes):
        if size <= remaining:
            kept.append(f)
            remaining -= size
        else:
            dropped.append((f.path, f.size, NOT_FIT))
    return dataclasses.replace(bundle, files=kept, omitted=bundle.omitted + dropped)


# --------------------------------------------------------------------------- Markdown


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text`` (at least three)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def md_path(path: str) -> str:
    """A path as inline code, or as a JSON string when it holds backticks or control characters."""
    if "`" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return json.dumps(path, ensure_ascii=False)
    return f"`{path}`"


def _commit(bundle: Bundle) -> str:
    if bundle.commit:
        return bundle.commit
    return "(no commit yet)" if bundle.in_git else "(not a git repository)"


def _md_head(bundle: Bundle) -> str:
    out = [f"# Context bundle: {bundle.name}", ""]
    out.append(f"- {_KIND_WORDS.get(bundle.kind, 'task')}: {bundle.name}")
    out.append(f"- commit: {_commit(bundle)}")
    out.append(f"- budget: {bundle.max_bytes} bytes")
    out += ["", bundle.description.strip(), ""]
    if bundle.prompt:
        out += ["## Prompt", "", bundle.prompt.strip(), ""]
    for title, text in bundle.sections:
        out += [f"## {_one_line(title)}", "", text.strip(), ""]
    if bundle.links or bundle.missing_ids:
        out += ["## Requirements and acceptance criteria", ""]
        for lr in bundle.links:
            req, story = lr.requirement, lr.story
            out += [f"### {req.id}: {req.title}", "", f"- story: {story.id}: {story.title}"]
            if req.description:
                out.append(f"- description: {_one_line(req.description)}")
            if req.rationale:
                out.append(f"- rationale: {_one_line(req.rationale)}")
            adrs = [*story.adrs, *req.adrs]
            if adrs:
                out.append(f"- ADRs: {', '.join(dict.fromkeys(adrs))}")
            out.append("")
            for la in lr.acs:
                ac = la.ac
                out += [f"#### {ac.id} ({la.status})", "", _one_line(ac.text), ""]
                if ac.note:
                    out.append(f"- note: {_one_line(ac.note)}")
                if ac.adrs:
                    out.append(f"- ADRs: {', '.join(ac.adrs)}")
                for sc in la.scenarios:
                    out.append(f"- scenario: {sc.name} ({md_path(f'{sc.file}:{sc.line}')})")
                for t in ac.tests:
                    where = f" in {md_path(t.file)}" if t.file else ""
                    out.append(f"- test: {t.type} {t.tag or t.name or t.command or ''}".rstrip() + where)
                if ac.note or ac.adrs or la.scenarios or ac.tests:
                    out.append("")
        if bundle.missing_ids:
            out += [f"Not in the ledger: {', '.join(bundle.missing_ids)}", ""]
    out += ["## Files", "", ""]
    return "\n".join(out)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_block(f: FileInfo) -> str:
    text = f.text or ""
    fence = fence_for(text)
    lang = _LANG.get(f.path.rsplit(".", 1)[-1].lower() if "." in f.path.rsplit("/", 1)[-1] else "", "")
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"### {md_path(f.path)} ({f.size} bytes)\n\n{fence}{lang}\n{body}{fence}\n\n"


def _md_tail(bundle: Bundle) -> str:
    rows = [f"- {md_path(p)}: {reason}" for p, reason in bundle.skipped]
    rows += [f"- {md_path(p)} ({size} bytes): {reason}" for p, size, reason in bundle.omitted]
    if not rows:
        return ""
    return "## Not included\n\n" + "\n".join(rows) + "\n"


# --------------------------------------------------------------------------- XML


def escape(data: str) -> str:
    """``xml.sax.saxutils.escape``: ``&``, ``>`` and ``<`` as entities.

    Written out here because importing ``xml.sax.saxutils`` imports ``urllib.request``,
    ``http.client`` and ``ssl`` (20 ms of every context-bundles hook); a test holds the
    two functions equal to the standard library's.
    """
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(data: str) -> str:
    """``xml.sax.saxutils.quoteattr``: escaped, newlines and tabs as character references, quoted."""
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"{}"'.format(data.replace('"', "&quot;"))


def _attr(value: object) -> str:
    return quoteattr(_XML_INVALID.sub("\ufffd", str(value)))


def _el(tag: str, text: str) -> str:
    return f"<{tag}>{escape(_XML_INVALID.sub(chr(0xFFFD), text))}</{tag}>\n"


def _xml_head(bundle: Bundle) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f"<bundle name={_attr(bundle.name)} kind={_attr(bundle.kind)} commit={_attr(_commit(bundle))} "
           f"max_bytes={_attr(bundle.max_bytes)}>\n",
           _el("description", bundle.description.strip())]
    if bundle.prompt:
        out.append(_el("prompt", bundle.prompt.strip()))
    for title, text in bundle.sections:
        out.append(f"<section title={_attr(title)}>{escape(_XML_INVALID.sub(chr(0xFFFD), text.strip()))}</section>\n")
    if bundle.links or bundle.missing_ids:
        out.append("<requirements>\n")
        for lr in bundle.links:
            req, story = lr.requirement, lr.story
            out.append(f"<requirement id={_attr(req.id)} title={_attr(req.title)} story={_attr(story.id)} "
                       f"story_title={_attr(story.title)}>\n")
            if req.description:
                out.append(_el("description", _one_line(req.description)))
            for la in lr.acs:
                out.append(f"<ac id={_attr(la.ac.id)} status={_attr(la.status)}>\n")
                out.append(_el("text", _one_line(la.ac.text)))
                for sc in la.scenarios:
                    out.append(f"<scenario name={_attr(sc.name)} file={_attr(sc.file)} line={_attr(sc.line)}/>\n")
                for t in la.ac.tests:
                    out.append(f"<test type={_attr(t.type)} tag={_attr(t.tag or t.name or '')} "
                               f"file={_attr(t.file or '')}/>\n")
                out.append("</ac>\n")
            out.append("</requirement>\n")
        for ident in bundle.missing_ids:
            out.append(f"<missing id={_attr(ident)}/>\n")
        out.append("</requirements>\n")
    out.append("<files>\n")
    return "".join(out)


def _xml_block(f: FileInfo) -> str:
    text = f.text or ""
    if _XML_INVALID.search(text):
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        return f"<file path={_attr(f.path)} bytes={_attr(f.size)} encoding=\"base64\">{data}</file>\n"
    cdata = text.replace("]]>", "]]]]><![CDATA[>")
    return f"<file path={_attr(f.path)} bytes={_attr(f.size)}><![CDATA[{cdata}]]></file>\n"


def _xml_tail(bundle: Bundle) -> str:
    out = ["</files>\n"]
    if bundle.skipped or bundle.omitted:
        out.append("<not_included>\n")
        out += [f"<file path={_attr(p)} reason={_attr(r)}/>\n" for p, r in bundle.skipped]
        out += [f"<file path={_attr(p)} bytes={_attr(s)} reason={_attr(r)}/>\n" for p, s, r in bundle.omitted]
        out.append("</not_included>\n")
    out.append("</bundle>\n")
    return "".join(out)
