"""What the site takes from the repository as markup, sanitised.

govcell's own pages escape all repository text (jinja2 autoescape).  Markdown
the repository means as Markdown (its docs pages, the feature status report,
ADRs) is rendered by MkDocs, which passes raw HTML through; :func:`sanitize_html`
is the one function every such page goes through (the plugin's
``on_page_content``): nh3 (the Ammonia sanitiser) keeps the tags and attributes
documentation uses and drops scripts, event handlers, styles (but a table cell's alignment) and
``javascript:`` (or any non-web) URLs.  :func:`plain_name` makes a name the
theme prints in places that do and do not escape (the site name) free of
markup characters.
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: Tags documentation pages use beyond nh3's defaults (Markdown, admonitions, code blocks, tables, task lists).
_EXTRA_TAGS = {"details", "summary", "div", "span", "figure", "figcaption", "mark", "kbd", "input", "label",
               "section", "article", "aside", "nav", "header", "footer", "main", "picture", "source", "del", "ins",
               "sup", "sub", "abbr", "dl", "dt", "dd", "hr", "br", "img", "table", "thead", "tbody", "tfoot",
               "tr", "th", "td", "caption", "colgroup", "col", "pre", "code"}
_GENERIC_ATTRS = {"class", "id", "title", "lang", "dir", "align", "aria-label", "aria-hidden", "role", "tabindex"}
_TAG_ATTRS = {
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "width", "height", "loading"},
    "source": {"srcset", "type", "media"},
    "input": {"type", "checked", "disabled"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "details": {"open"},
    "ol": {"start", "type"},
    "code": {"data-lang"},
}
_SCHEMES = {"http", "https", "mailto"}


@functools.cache
def _options() -> dict[str, Any]:
    import nh3

    tags = set(nh3.ALLOWED_TAGS) | _EXTRA_TAGS
    tags -= {"script", "style", "iframe", "object", "embed", "form", "svg", "math"}
    attributes = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in tags}
    for tag, attrs in _TAG_ATTRS.items():
        attributes.setdefault(tag, set()).update(attrs)
    attributes["*"] = set(_GENERIC_ATTRS)
    attributes["a"].discard("rel")  # link_rel below sets it on every link
    return {"tags": tags, "attributes": attributes, "url_schemes": _SCHEMES, "link_rel": "noopener noreferrer",
            "strip_comments": True, "filter_style_properties": {"text-align"}}


def sanitize_html(html: str) -> str:
    """``html`` rendered from repository Markdown, with every script, handler and unsafe URL removed."""
    import nh3

    return nh3.clean(html, **_options())


_MARKUP = re.compile(r"[<>\"'`{}\\]")


def plain_name(text: str) -> str:
    """A name (the site name) with no character that means markup anywhere the theme prints it."""
    return " ".join(_MARKUP.sub(" ", text.replace("&", " and ")).split())
