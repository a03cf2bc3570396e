"""The registry of generated pages: each one a template plus a data function.

A page lists the derived results it ``needs`` (names of ``govcell_site.data.PROVIDERS``);
it is generated only when they were computed (a derived result that crashed is a
``site.data-error`` finding, and the pages that need it are left out).  Every
page builder returns ``Output`` objects (Markdown pages and plain files such
as ``status.json``); the MkDocs plugin turns them into virtual files, so
nothing generated is ever written into the repository.

The builders live by what they show: ``ledger`` (stories, ACs, traceability),
``results`` (dashboard, findings, graph, policies, bundles, decisions, schemas,
status.json) and ``history`` (trends, changes); ``output`` holds ``Output``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from govcell_site.pages.history import changes, trends
from govcell_site.pages.ledger import ac_index, matrix, stories
from govcell_site.pages.output import Output
from govcell_site.pages.results import (
    adrs,
    bundles,
    dashboard,
    findings,
    graph_page,
    has_policies,
    policies,
    schemas,
    status_json,
)

if TYPE_CHECKING:
    from govcell_site.render import Context


@dataclasses.dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    path: str
    build: Callable[[Context], Iterable[Output]]
    needs: tuple[str, ...] = ()
    #: further condition on the data (e.g. the cell has policies at all)
    when: Callable[[Context], bool] | None = None
    #: built before the others (its files are large: built while little else is held, memory peaks lower)
    early: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "index.md", dashboard),
    PageSpec("stories", "Stories", "stories/index.md", stories),
    PageSpec("acs", "Acceptance criteria", "acs.md", ac_index),
    PageSpec("traceability", "Traceability", "traceability.md", matrix),
    PageSpec("findings", "Findings", "findings.md", findings),
    PageSpec("policies", "Policies", "policies.md", policies, needs=("policy",), when=has_policies),
    PageSpec("graph", "Graph", "graph.md", graph_page, needs=("graph",), early=True),
    PageSpec("bundles", "Bundles", "bundles.md", bundles, needs=("bundles",),
             when=lambda ctx: bool(ctx.data.derived.get("bundles"))),
    PageSpec("adrs", "Decisions", "adr/index.md", adrs, needs=("adrs", "graph")),
    PageSpec("trends", "Trends", "trends.md", trends, needs=("history",)),
    PageSpec("changes", "Changes", "changes.md", changes, needs=("changes",)),
    PageSpec("schemas", "Schemas", "schemas.md", schemas),
    PageSpec("status", "status.json", "status.json", status_json, needs=("status",), early=True),
)


def available(ctx: Context) -> list[PageSpec]:
    return [p for p in PAGES if all(ctx.data.has(n) for n in p.needs) and (p.when is None or p.when(ctx))]


def generate(ctx: Context) -> tuple[list[Output], list[tuple[str, str]]]:
    """Every generated file, and the (title, path) of each page for the navigation."""
    return list(stream(ctx)), navigation(ctx)


def navigation(ctx: Context) -> list[tuple[str, str]]:
    """The (title, path) of each generated page of the navigation."""
    return [(spec.title, spec.path) for spec in available(ctx) if spec.path.endswith(".md")]


def stream(ctx: Context) -> Iterator[Output]:
    """Every generated file, one page builder at a time (a consumer that keeps only what it needs
    of each file keeps a large site's memory at one copy of its pages)."""
    specs = available(ctx)
    for spec in [s for s in specs if s.early] + [s for s in specs if not s.early]:
        built = spec.build(ctx)
        if isinstance(built, list):
            built.reverse()
            while built:
                yield built.pop()
        else:  # a builder of many pages yields them one at a time
            yield from built
