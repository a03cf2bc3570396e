"""Repository Markdown (ADR text) as HTML for the site: the one place it is rendered.

Every piece of the repository's own Markdown that a govcell page shows goes
through ``render_markdown``: raw HTML in the source is not passed through (it
shows as text), a link or image whose address is not http(s), mailto, an anchor
or a relative path loses it (``javascript:``, ``data:`` and the like), and the
result goes through the site's sanitiser (``govcell_site.sanitize.sanitize_html``,
nh3) like every Markdown page of the repository.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markupsafe import Markup

_SAFE_URL = re.compile(r"^(?:https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> bool:
    """http(s), mailto, an anchor or a relative path (no scheme); whitespace tricks do not hide a scheme."""
    return bool(_SAFE_URL.match(_CONTROL.sub("", url)))


@functools.lru_cache(maxsize=1)
def _converter() -> Any:
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class DropUnsafeUrls(Treeprocessor):
        """Drop unsafe addresses; headings one level down (the page has its own ``<h1>``)."""

        def run(self, root: Any) -> None:
            for el in root.iter():
                if el.tag in ("h1", "h2", "h3", "h4", "h5"):
                    el.tag = f"h{int(el.tag[1]) + 1}"
                for attr in ("href", "src"):
                    value = el.get(attr)
                    if value is not None and not safe_url(value):
                        del el.attrib[attr]

    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    # Raw HTML is text: neither HTML blocks nor inline tags pass through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(DropUnsafeUrls(md), "govcell-safe-urls", 0)
    return md


def render_markdown(text: str) -> Markup:
    """``text`` (repository Markdown) as HTML that is safe to put on a page."""
    from markupsafe import Markup

    from govcell_site.sanitize import sanitize_html

    md = _converter()
    md.reset()
    return Markup(sanitize_html(md.convert(text)))  # noqa: S704 - raw HTML removed, then sanitised
