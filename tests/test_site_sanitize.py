"""govcell_site.sanitize: repository Markdown reaches the site without scripts, handlers or unsafe URLs."""

from __future__ import annotations

import pytest

pytest.importorskip("nh3")

from govcell.derive.feature_status import _cell
from govcell_site.sanitize import plain_name, sanitize_html


@pytest.mark.ac("AC-HOSTILE-006")
def test_sanitize_drops_script_handlers_and_unsafe_urls() -> None:
    html = ('<p>x<script>alert(1)</script><img src="x" onerror="alert(2)">'
            '<a href="javascript:alert(3)">j</a><a href="JaVaScRiPt:alert(4)">k</a>'
            '<a href="data:text/html,<script>alert(5)</script>">d</a></p>'
            '<div onclick="alert(6)" style="background:url(javascript:alert(7))">div</div>'
            '<iframe src="https://example.invalid"></iframe><svg onload="alert(8)"></svg>'
            '<form action="https://example.invalid"><input type="submit"></form>')
    out = sanitize_html(html)
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "JaVaScRiPt", "data:", "onclick", "background",
                "<iframe", "<svg", "onload", "<form"):
        assert bad not in out, (bad, out)


@pytest.mark.ac("AC-HOSTILE-006")
def test_sanitize_keeps_what_documentation_pages_use() -> None:
    html = ('<h2 id="usage">Usage<a class="headerlink" href="#usage" title="Permanent link">¶</a></h2>'
            '<div class="admonition note"><p class="admonition-title">Note</p></div>'
            '<table><tr><td style="text-align: right;">1</td></tr></table>'
            '<a href="../guide/">guide</a><a href="https://example.org/x">ext</a><img alt="a" src="img/x.png">'
            '<details open=""><summary>s</summary></details><pre><code class="language-py">x</code></pre>')
    out = sanitize_html(html)
    for good in ('id="usage"', 'class="headerlink"', 'href="#usage"', 'class="admonition note"',
                 'style="text-align:right"', 'href="../guide/"', 'href="https://example.org/x"', 'src="img/x.png"',
                 "<details", "<summary>", 'class="language-py"'):
        assert good in out.replace("text-align: right", "text-align:right"), (good, out)


@pytest.mark.ac("AC-HOSTILE-006")
def test_ledger_text_in_the_feature_status_report_is_text() -> None:
    text = _cell("see [x](javascript:alert(1)) ![i](x) <b>b</b> &#106; a|b *e* `c`")
    assert "[x]" not in text and "![" not in text and "<b>" not in text and "&#106;" not in text
    assert "\\[x\\](javascript:alert(1))" in text and "a\\|b" in text


@pytest.mark.ac("AC-HOSTILE-006")
def test_site_name_holds_no_markup_character() -> None:
    name = plain_name('<script>alert(1)</script> R&D "q" \'s\' `t` {x}')
    assert not set(name) & set("<>\"'`{}&\\")
    assert "R and D" in name
