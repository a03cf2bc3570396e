"""The MkDocs plugin: ``plugins: [govcell]`` adds the cell's governance pages to a site.

During ``mkdocs build`` it loads the cell once (``on_files``), runs every
check, renders the registered pages with jinja2 and adds them as virtual
files, so nothing generated is written into the repository.  Its own CSS and
filter script are virtual files too, referenced from ``extra_css`` and
``extra_javascript``: the site needs nothing from the network.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

log = logging.getLogger("mkdocs.plugins.govcell")

CSS = "assets/govcell/govcell.css"
#: ``govcell site build --base REF`` passes the base to the plugin, also in a repository's own mkdocs.yml
BASE_ENV = "GOVCELL_SITE_BASE"
JS = "assets/govcell/govcell.js"


# mkdocs' Config.__init_subclass__ carries no annotations (a gap in mkdocs' own types).
class GovcellPluginConfig(Config):  # type: ignore[no-untyped-call]
    #: the cell's root, relative to the directory of mkdocs.yml (default: that directory)
    root = c.Optional(c.Type(str))
    #: govcell config file, relative to the root (default: .govcell.yaml or pyproject.toml)
    config = c.Optional(c.Type(str))
    #: directory of the generated pages inside the site ("" puts them at the root)
    prefix = c.Type(str, default="governance")
    #: add a navigation section for the generated pages
    nav = c.Type(bool, default=True)
    #: title of that navigation section
    nav_title = c.Type(str, default="Governance")
    #: commits of the trend page (``govcell history --last N``); 0 leaves the page out
    history = c.Type(int, default=50)
    #: a git revision: adds a "changes since" page (``govcell diff BASE``); default $GOVCELL_SITE_BASE
    base = c.Optional(c.Type(str))


class GovcellPlugin(BasePlugin[GovcellPluginConfig]):  # type: ignore[no-untyped-call]  # same gap
    """Renders the governed cell next to the hand-written docs."""

    def __init__(self) -> None:
        self.nav_pages: list[tuple[str, str]] = []
        self.cell_root: str | None = None
        #: src of each generated page -> the file of its finished HTML body
        self.bodies: dict[str, str] = {}
        #: generated files (page bodies, graph.json, status.json, CSV, schemas) wait here, on disk
        #: rather than in memory, until MkDocs renders or copies them: a large cell's pages are
        #: tens of MB, and the cell itself is freed before MkDocs renders them
        self.spool: str | None = None

    def _root(self, config: Any) -> str:
        base = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        return os.path.normpath(os.path.join(base, self.config.root or "."))

    def on_config(self, config: Any) -> Any:
        self.cell_root = self._root(config)
        for attr, rel in (("extra_css", CSS), ("extra_javascript", JS)):
            items = config[attr]
            if rel not in [str(x) for x in items]:
                items.append(rel)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        from govcell.cell import Cell
        from govcell.derive.analysis import Analysis
        from govcell_site.data import collect
        from govcell_site.pages import navigation, stream
        from govcell_site.render import ASSETS, Context
        from govcell_site.safe_files import drop_unsafe
        from govcell_site.views import stories

        assert self.cell_root is not None
        history = self._start_history(self.cell_root)
        cell = Cell(self.cell_root, self.config.config)
        drop_unsafe(files, config, self.cell_root, cell.config.limits.max_file_bytes, log.warning)
        data = collect(Analysis(cell))
        from govcell_site.data import add_history

        add_history(data, self.config.history, self.config.base or os.environ.get(BASE_ENV) or None, history)
        ctx = Context(data, stories(data), prefix=self.config.prefix, use_directory_urls=config.use_directory_urls,
                      lazy=True,
                      site_name=(data.ledger.metadata.title if data.ledger and data.ledger.metadata.title
                                 else config.site_name))
        nav = navigation(ctx)
        nav_paths = {ctx.src(path) for _, path in nav}
        self.bodies = {}
        self._clean_spool()
        self.spool = tempfile.mkdtemp(prefix="govcell-site-files-")
        generated = 0
        for out in stream(ctx):
            generated += 1
            src = ctx.src(out.path)
            content = out.content
            inclusion = InclusionLevel.UNDEFINED if src in nav_paths or not src.endswith(".md") \
                else InclusionLevel.NOT_IN_NAV
            if src.endswith(".md"):
                # The page body is finished HTML: Markdown only reads the front
                # matter, and on_page_content puts the body in place. This skips
                # re-parsing large HTML blocks (and any Markdown extension's view of them).
                pieces = [content] if isinstance(content, str) else content
                front, self.bodies[src] = self._spool_page(generated, src, pieces)
                self._add(files, File.generated(config, src, content=front, inclusion=inclusion))
                continue
            if not isinstance(content, (str, bytes)):  # only pages come in pieces; join any other
                content = "".join(content)
            path = self._spooled(generated, src, content)
            self._add(files, File.generated(config, src, abs_src_path=path, inclusion=inclusion))
        for rel in (CSS, JS):
            self._add(files, File.generated(config, rel, abs_src_path=str(ASSETS / os.path.basename(rel))))
        self.nav_pages = [(title, ctx.src(path)) for title, path in nav]
        if self.config.nav:
            self._extend_nav(files, config)
        log.info("govcell: %d generated files for %d stories, %d findings", generated, len(ctx.stories),
                 len(data.findings))
        # Everything MkDocs needs is in the files now: let the cell go before the pages are
        # rendered.  govcell's commands pause the cyclic collector (govcell.process.no_cycle_gc),
        # and the cell holds cycles, so it is collected here, once (a large cell is most of the
        # build's memory).
        del cell, data, ctx
        gc.collect()
        return files

    def _start_history(self, root: str) -> Any:
        """The history loads earlier commits' cells: in a child, before this process loads its own."""
        from govcell_site.data import start_history

        named = self.config.config
        explicit = named if named not in (None, "", ".govcell.yaml", "pyproject.toml") else None
        return start_history(root, explicit, self.config.history)

    def _spooled(self, n: int, src: str, content: str | bytes) -> str:
        assert self.spool is not None
        path = os.path.join(self.spool, f"{n:06d}-{os.path.basename(src)}")
        if isinstance(content, bytes):
            with open(path, "wb") as fh:
                fh.write(content)
            return path
        with open(path, "w", encoding="utf-8", newline="") as fh:
            step = 1 << 20  # in slices: no second copy of a large file in memory
            for i in range(0, len(content), step):
                fh.write(content[i:i + step])
        return path

    def _spool_page(self, n: int, src: str, pieces: Any) -> tuple[str, str]:
        """(front matter, file of the body) of a page given in pieces; the body goes to disk as it comes."""
        assert self.spool is not None
        path = os.path.join(self.spool, f"{n:06d}-{os.path.basename(src)}.html")
        head = ""
        front: str | None = None
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for piece in pieces:
                # plain text: a jinja piece may be Markup, and Markup + str would escape the str
                piece = str.__str__(piece)
                if front is not None:
                    fh.write(piece)
                    continue
                head += piece
                if len(head) < 4:
                    continue
                if not head.startswith("---\n"):
                    front = ""
                elif "\n---\n" in head[3:]:
                    end = head.find("\n---\n", 3)
                    front, head = head[: end + 5], head[end + 5:]
                else:
                    continue
                fh.write(head)
            if front is None:
                front, body = split_front_matter(head)
                fh.write(body)
        return front, path

    def _clean_spool(self) -> None:
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None

    def on_post_build(self, config: Any) -> None:
        self._clean_spool()

    def on_shutdown(self) -> None:
        self._clean_spool()

    @staticmethod
    def _add(files: Files, file: File) -> None:
        old = files.get_file_from_path(file.src_uri)
        if old is not None:
            if _is_schema(file.src_uri):
                # govcell init puts the JSON Schemas in docs/schema/ for editors; with the pages at the
                # site root (prefix "") the site's own, current schemas take their place, as intended
                log.info("govcell: the site's %s replaces docs_dir's copy", file.src_uri)
            else:
                log.warning("govcell: generated %s replaces the file of the same name in docs_dir", file.src_uri)
            files.remove(old)
        files.append(file)

    def _extend_nav(self, files: Files, config: Any) -> None:
        """Add the generated pages as one section (or as the whole nav when they are all there is)."""
        section: list[Any] = [{title: path} for title, path in self.nav_pages]
        if config.nav is None:
            from mkdocs.utils import nest_paths

            # mkdocs leaves InclusionLevel.is_in_nav and nest_paths unannotated (a gap in its own types)
            generated = {path for _, path in self.nav_pages}
            own = [f.src_uri for f in files.documentation_pages()
                   if f.inclusion.is_in_nav()  # type: ignore[no-untyped-call]
                   and f.generated_by is None and f.src_uri not in generated]
            if not own:
                config.nav = section
                return
            config.nav = [*nest_paths(own), {self.config.nav_title: section}]  # type: ignore[no-untyped-call]
            return
        if not _mentions(config.nav, {path for _, path in self.nav_pages}):
            config.nav.append({self.config.nav_title: section})

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        path = self.bodies.get(page.file.src_uri)
        if path is not None:  # govcell's own page: every repository text in it is escaped or sanitised
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        from govcell_site.sanitize import sanitize_html

        return sanitize_html(html)  # the repository's Markdown (docs, the feature status report, ADRs)

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        """Rebuild when the cell's specs change, not only the docs."""
        from govcell.cell import Cell

        if self.cell_root is None:
            return server
        cell = Cell(self.cell_root, self.config.config)
        paths = cell.config.paths
        for rel in (paths.ledger, *paths.features, paths.tasks, paths.flows, paths.contextpack, paths.policy,
                    paths.adr):
            path = os.path.join(self.cell_root, rel)
            if os.path.exists(path):
                server.watch(path)
        return server


def split_front_matter(text: str) -> tuple[str, str]:
    """(the ``---`` front matter block, the rest) of a generated page."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[: end + 5], text[end + 5:]
    return "", text


def _mentions(nav: Any, paths: set[str]) -> bool:
    if isinstance(nav, str):
        return nav in paths
    if isinstance(nav, dict):
        return any(_mentions(v, paths) for v in nav.values())
    if isinstance(nav, list):
        return any(_mentions(v, paths) for v in nav)
    return False


def _is_schema(src: str) -> bool:
    """``schema/NAME.json``: one of the JSON Schemas the site publishes (``govcell schema NAME``)."""
    head, _, name = src.rpartition("/")
    return name.endswith(".json") and (head == "schema" or head.endswith("/schema"))
