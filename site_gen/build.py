"""The site of a cell, with or without a ``mkdocs.yml`` (the command is :mod:`govcell.cli.site`).

A repository with a ``mkdocs.yml`` gets exactly what ``mkdocs build`` would
give it (its config, its docs, and the govcell plugin if it lists it).  A
repository without one gets a default configuration: mkdocs-material with
web fonts off, local search, and the governance pages at the site root,
built from an empty docs directory so unrelated Markdown in the repository
cannot break the build.  The default config lives in a temporary directory,
never in the repository.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.write import Target

MKDOCS_FILES = ("mkdocs.yml", "mkdocs.yaml")


def default_config(root: Path, docs_dir: Path, site_dir: Path, govcell_config: str | None) -> dict[str, Any]:
    """The configuration used when the repository has no mkdocs.yml."""
    from govcell.cell import Cell

    cell = Cell(root, govcell_config)
    ledger = cell.ledger.model
    from govcell_site.sanitize import plain_name

    # The theme prints the site name both escaped and raw (aria-label): no markup character may be in it.
    title = plain_name(ledger.metadata.title if ledger is not None and ledger.metadata.title else root.name) \
        or "govcell"
    plugin: dict[str, Any] = {"root": str(root), "prefix": ""}
    if govcell_config:
        plugin["config"] = govcell_config
    return {
        "site_name": f"{title} governance",
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False,
                  "features": ["navigation.sections", "search.highlight", "content.code.copy"]},
        "plugins": ["search", {"govcell": plugin}],
        "markdown_extensions": ["tables", "attr_list", {"toc": {"permalink": True}}],
    }


@contextlib.contextmanager
def mkdocs_config_file(root: Path, site_dir: Path, govcell_config: str | None,
                       explicit: str | None = None) -> Iterator[tuple[str, bool]]:
    """The mkdocs config to use: the repository's own, or a temporary default one."""
    if explicit:
        yield str((root / explicit).resolve()), False
        return
    for name in MKDOCS_FILES:
        if (root / name).is_file():
            yield str(root / name), False
            return
    import yaml

    with tempfile.TemporaryDirectory(prefix="govcell-site-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        path = Path(tmp) / "mkdocs.yml"
        path.write_text(yaml.safe_dump(default_config(root, docs, site_dir, govcell_config), sort_keys=False),
                        encoding="utf-8")
        yield str(path), True


def build(root: str | Path = ".", out: str | Path | None = None, *, govcell_config: str | None = None,
          mkdocs_file: str | None = None, strict: bool = False) -> Path:
    """Build the site of the cell at ``root`` into ``out`` (default: ``site/``); returns the site dir."""
    return build_site(root, out, govcell_config=govcell_config, mkdocs_file=mkdocs_file, strict=strict)[0]


def view_hint(site: Path, directory_urls: bool) -> str:
    """How to look at a built site, in words that work.

    With directory URLs (MkDocs' default: ``stories/`` rather than ``stories.html``) a browser
    opening the files shows a directory listing for every link, and the search, a web worker,
    does not start from ``file://`` at all: such a site is viewed through a web server.
    """
    index = site / "index.html"
    if directory_urls:
        return (f"govcell site: built {site}; view it with `govcell site serve` (http://127.0.0.1:8000/) "
                "or any web server: its links are directory URLs, which a browser opening files shows as "
                "listings (with use_directory_urls: false in mkdocs.yml, the pages also work from "
                f"{index.as_uri()})")
    return f"govcell site: built {site}; open {index.as_uri()} (the search needs `govcell site serve`)"


def build_site(root: str | Path = ".", out: str | Path | None = None, *, govcell_config: str | None = None,
               mkdocs_file: str | None = None, strict: bool = False, base: str | None = None) -> tuple[Path, bool]:
    """:func:`build`, and whether the site's links are directory URLs (for :func:`view_hint`).

    With ``base`` (a git revision) the governance pages gain "changes since BASE" (``govcell diff``),
    passed to the plugin as ``GOVCELL_SITE_BASE`` (so a repository's own mkdocs.yml gets it too).
    """
    import os

    if base:
        from govcell_site.plugin import BASE_ENV

        with _environ(BASE_ENV, base):
            return build_site(root, out, govcell_config=govcell_config, mkdocs_file=mkdocs_file, strict=strict)

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # mkdocs-material's end-of-life banner
    from govcell.write import swap_in

    root = Path(root).absolute()
    place = _site_place(root, out, govcell_config)
    # Built in a fresh directory and swapped in whole: an interrupted or failed build keeps the old site.
    fresh = _fresh_dir(place)
    try:
        directory_urls = _run_mkdocs(root, fresh, govcell_config, mkdocs_file, strict)
        _ignore_itself(root, place.rel, Path(fresh))
        swap_in(fresh, place)
    except BaseException:
        import shutil

        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return Path(place.path), directory_urls


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    """``os.environ[name] = value`` for the duration, then as it was."""
    import os

    saved = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


def _site_place(root: Path, out: str | Path | None, govcell_config: str | None) -> Target:
    """Where the site goes, under the path policy (:mod:`govcell.write`); SiteRefused when it may not go there.

    The site directory is a real directory (never a symlink, which the swap would otherwise delete
    through) that holds no input of the cell; --out is the user's choice and may lie outside the repository.
    """
    from govcell.cell import Cell
    from govcell.write import cell_inputs, resolve_output

    place, problem = resolve_output(root, str(out) if out else "site", what="site directory",
                                    inputs=cell_inputs(Cell(root, govcell_config)), base=Path.cwd() if out else root,
                                    directory=True, outside_ok=bool(out))
    if place is None:
        raise SiteRefused(problem)
    return place


def _fresh_dir(place: Target) -> str:
    """A new empty directory beside the site's place, to build into; SiteRefused when none can be made."""
    from govcell.write import fresh_dir_beside

    try:
        return fresh_dir_beside(place)
    except OSError as exc:
        from govcell.diagnostics import diag

        raise SiteRefused(diag("write.failed", f"cannot write site directory '{place.rel}': "
                               f"{exc.strerror or exc}", place.rel,
                               hint="check the directory's permissions and free space")) from None


def _run_mkdocs(root: Path, site_dir: str, govcell_config: str | None, mkdocs_file: str | None,
                strict: bool) -> bool:
    """``mkdocs build`` into ``site_dir``, plugins started and shut down; whether links are directory URLs."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    with mkdocs_config_file(root, Path(site_dir), govcell_config, mkdocs_file) as (path, _default):
        overrides: dict[str, Any] = {"site_dir": site_dir}
        if strict:
            overrides["strict"] = True
        cfg = load_config(config_file=path, **overrides)
        directory_urls = bool(cfg.use_directory_urls)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    return directory_urls


#: Written into a site built inside the repository: git then ignores the whole directory, whatever
#: the repository's own .gitignore says (init adds site/ only to a .gitignore it creates).
SITE_GITIGNORE = "# Written by `govcell site build`: the built site is output, never committed.\n*\n"


def _ignore_itself(root: Path, rel: str, fresh: Path) -> None:
    """A site directory inside the repository ignores itself (``.gitignore`` holding ``*``).

    Not when the directory holds tracked files (a site committed on purpose keeps working as it
    did) or lies outside the repository.
    """
    import os
    import subprocess

    if os.path.isabs(rel) or rel.startswith("../"):
        return
    try:
        tracked = subprocess.run(["git", "ls-files", "-z", "--", rel], cwd=root, capture_output=True, timeout=60,
                                 check=False).stdout
    except (OSError, subprocess.SubprocessError):
        tracked = b""
    if tracked:
        return
    (fresh / ".gitignore").write_text(SITE_GITIGNORE, encoding="utf-8")


class SiteRefused(Exception):
    """The path policy refused the site directory; ``diagnostic`` says why."""

    def __init__(self, diagnostic: Any) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def serve(root: str | Path = ".", *, govcell_config: str | None = None, mkdocs_file: str | None = None,
          dev_addr: str | None = None) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    root = Path(root).absolute()
    with tempfile.TemporaryDirectory(prefix="govcell-serve-") as tmp, \
            mkdocs_config_file(root, Path(tmp) / "site", govcell_config, mkdocs_file) as (path, _default):
        kwargs: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
        mkdocs_serve(config_file=path, open_in_browser=False, **kwargs)
