"""The jinja2 environment and the per-build rendering context.

Autoescaping is on for every template and undefined names are errors, so
ledger, feature and policy text can only ever reach a page as escaped text.
Generated pages are Markdown files whose body is one raw HTML block: Python-
Markdown passes raw HTML blocks through untouched, so Markdown syntax in the
ledger (``[x](javascript:...)``) stays text too, and jinja syntax in the
ledger is data, never template source.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import posixpath
from pathlib import Path
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

    from govcell_site.data import SiteData
    from govcell_site.views import StoryView

TEMPLATES = Path(__file__).parent / "templates"


def _slug(value: str) -> str:
    from govcell_site.views import slug

    return slug(value)
ASSETS = Path(__file__).parent / "assets"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2

    from govcell_site.views import slug, token, words

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["slug"] = slug
    env.filters["token"] = token
    env.filters["words"] = words
    env.filters["yaml_str"] = yaml_str
    return env


def yaml_str(value: str) -> Any:
    """A YAML front-matter scalar: a JSON string (valid YAML, one line, nothing to escape)."""
    from markupsafe import Markup

    # front matter is YAML, not HTML: autoescaping would turn the JSON quotes into entities
    return Markup(json.dumps(value, ensure_ascii=True))  # noqa: S704 - YAML, not HTML


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL mkdocs gives ``src_uri`` (same rules as ``mkdocs.structure.files.File``)."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[:-3]
    parent, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{parent}/" if parent else ""
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def relative(to_url: str, from_url: str) -> str:
    """``to_url`` relative to the page at ``from_url`` (both site-root relative)."""
    from_dir = from_url[:-1] if from_url.endswith("/") else posixpath.dirname(from_url)
    rel = posixpath.relpath(to_url or ".", from_dir or ".")
    if (to_url == "" or to_url.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel


@dataclasses.dataclass
class Context:
    """One build: the data, its views, where pages go and how URLs look."""

    data: SiteData
    stories: list[StoryView]
    prefix: str = "governance"
    use_directory_urls: bool = True
    site_name: str = "govcell"
    #: results shared by several pages of one build (e.g. the graph invariants)
    cache: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: pages as iterators of text pieces rather than strings (the MkDocs plugin writes them to disk)
    lazy: bool = False

    def src(self, rel: str) -> str:
        """The docs-relative path of a generated file."""
        return f"{self.prefix.strip('/')}/{rel}" if self.prefix.strip("/") else rel

    def href(self, here: str, target: str, anchor: str = "") -> str:
        """Link from generated page ``here`` to generated file ``target`` (both unprefixed)."""
        url = relative(page_url(self.src(target), self.use_directory_urls),
                       page_url(self.src(here), self.use_directory_urls))
        return f"{url}#{anchor}" if anchor else url

    def render(self, template: str, here: str, **values: Any) -> str:
        return "".join(self.render_chunks(template, here, **values))

    def render_chunks(self, template: str, here: str, **values: Any) -> Iterator[str]:
        """The page as jinja produces it, piece by piece (a large page never has to exist whole)."""
        env = environment()

        def link(target: str, anchor: str = "") -> str:
            return self.href(here, target, anchor)

        def story_link(story_id: str, anchor: str = "") -> str:
            page = self.story_pages.get(story_id)
            return link(f"stories/{page}.md", anchor) if page else link("stories/index.md")

        def item_link(ident: str) -> str | None:
            """The page (and anchor) of any item by its ID: story, requirement, AC, ADR, bundle, policy."""
            target = self.anchors.get(ident)
            return link(*target) if target else None

        return env.get_template(template).generate(
            ctx=self, data=self.data, stories=self.stories, link=link, story_link=story_link,
            item_link=item_link, has=self.data.has, **values)

    @functools.cached_property
    def anchors(self) -> dict[str, tuple[str, str]]:
        """Every item's (page, anchor), by ID; the first item of an ID wins (duplicates are findings)."""
        out: dict[str, tuple[str, str]] = {}
        for s in self.stories:
            page = f"stories/{s.slug}.md"
            out.setdefault(s.id, (page, ""))
            for req in s.reqs:
                out.setdefault(req.id, (page, req.anchor))
                for ac in req.acs:
                    out.setdefault(ac.id, (page, ac.anchor))
        from govcell_site.views import slug

        adrs = self.data.derived.get("adrs")
        for ident in getattr(adrs, "adrs", {}) or {}:
            out.setdefault(ident, self.adr_page(ident))
        for b in self.data.derived.get("bundles") or []:
            out.setdefault(b.name, ("bundles.md", slug(b.name)))
        policy = self.data.derived.get("policy")
        for p in getattr(policy, "policies", []) or []:
            out.setdefault(p.name, ("policies.md", slug(p.name)))
        return out

    def adr_page(self, ident: str) -> tuple[str, str]:
        """An ADR file's own page; an ADR cited but missing has its row of the index."""
        adrs = self.data.derived.get("adrs")
        if ident in (getattr(adrs, "adrs", None) or {}):
            return (f"adr/{_slug(ident)}.md", "")
        return ("adr/index.md", _slug(ident))

    @functools.cached_property
    def story_pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        for s in self.stories:
            pages.setdefault(s.id, s.slug)
        return pages
