"""govcell.derive.bundles.render: fences no content can break, XML that round-trips, budgets that hold."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from govcell.derive.bundles.render import fence_for, fit, md_path, render
from govcell.derive.bundles import Bundle, FileInfo

# Text as files hold it: any unicode except lone surrogates (not encodable as UTF-8).
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
fence_heavy = st.lists(st.sampled_from(["`", "```", "````", "~~~", "\n", "]]>", "<![CDATA[", "</file>", "x", " "]),
                       max_size=40).map("".join)


def bundle_of(files: list[tuple[str, str]], max_bytes: int = 10_000_000) -> Bundle:
    infos = [FileInfo(path, len(text.encode("utf-8")), text) for path, text in files]
    return Bundle("t", "a bundle", "do it", max_bytes, "0" * 40, True, [], [], infos, [], [])


def md_file_content(rendered: str) -> str:
    """Parse the first file block back as a CommonMark reader would."""
    lines = rendered.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("### "))
    opening = lines[start + 2]
    n = len(opening) - len(opening.lstrip("`"))
    closing = re.compile(rf"^ {{0,3}}`{{{n},}}[ \t]*$")
    end = next(i for i in range(start + 3, len(lines)) if closing.match(lines[i]))
    return "\n".join(lines[start + 3:end])


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, fence_heavy))
def test_markdown_fence_cannot_be_broken(text: str) -> None:
    rendered = render(bundle_of([("f.md", text)]), "md")
    body = md_file_content(rendered)
    expected = text if text.endswith("\n") or not text else text + "\n"
    assert body + "\n" == expected or (text == "" and body == "")


def test_fence_is_longer_than_any_backtick_run() -> None:
    assert fence_for("plain") == "```"
    assert fence_for("a ```` b") == "`````"
    assert fence_for("`" * 9) == "`" * 10


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, fence_heavy), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))
def test_xml_round_trips_any_text(text: str, path: str) -> None:
    rendered = render(bundle_of([(path, text)]), "xml")
    root = ET.fromstring(rendered.encode("utf-8"))
    (el,) = list(root.iter("file"))
    got = base64.b64decode(el.text or "").decode("utf-8") if el.get("encoding") == "base64" else (el.text or "")
    # XML normalises a carriage return to a newline; base64 carries such files exactly.
    assert got == text or (el.get("encoding") is None and got == text.replace("\r\n", "\n").replace("\r", "\n"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=12),
       st.integers(min_value=1500, max_value=20_000), st.sampled_from(["md", "xml"]))
def test_fit_never_exceeds_budget(sizes: list[int], budget: int, fmt: str) -> None:
    bundle = bundle_of([(f"src/f{i}.txt", "x" * n) for i, n in enumerate(sizes)], budget)
    fitted = fit(bundle, fmt)
    assert len(render(fitted, fmt).encode("utf-8")) <= budget
    # nothing silent: every file is carried or listed as omitted, in the original order
    kept = [f.path for f in fitted.files]
    omitted = [p for p, _s, _r in fitted.omitted]
    assert sorted(kept + omitted) == sorted(f.path for f in bundle.files)
    assert kept == [f.path for f in bundle.files if f.path in kept]
    for path in omitted:
        assert path in render(fitted, fmt)


def test_render_is_deterministic_and_names_the_commit() -> None:
    b = bundle_of([("a.py", "print(1)\n"), ("b.md", "# b\n")])
    assert render(b, "md") == render(b, "md")
    assert "- commit: " + "0" * 40 in render(b, "md")
    assert 'commit="' + "0" * 40 + '"' in render(b, "xml")


def test_unusual_paths_render_unambiguously() -> None:
    assert md_path("a b/ü.py") == "`a b/ü.py`"
    assert md_path("we`ird") == '"we`ird"'
    assert md_path("new\nline") == '"new\\nline"'


def test_the_xml_escapes_are_the_standard_librarys() -> None:
    """derive.bundles.render writes them out to spare every hook the import of urllib, http and ssl."""
    from xml.sax.saxutils import escape, quoteattr

    from govcell.derive.bundles import render

    samples = ["", "plain", "a & b < c > d", 'say "hi"', "it's", "both ' and \"", "tab\there\nnew\rline",
               "&amp; already", "<tag attr=\"x\">'</tag>", "\u00e9\u4e2d\U0001f600"]
    for text in samples:
        assert render.escape(text) == escape(text), text
        assert render.quoteattr(text) == quoteattr(text), text
