"""A generated file (``Output``) and a page rendered from its template (``page``): what every page builder returns."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell_site.render import Context


@dataclasses.dataclass(frozen=True)
class Output:
    """A generated file: ``path`` relative to the governance prefix."""

    path: str
    #: text, bytes, or (pages of a lazy context) the text in pieces
    content: str | bytes | Iterator[str]


def page(ctx: Context, path: str, template: str, **values: Any) -> Output:
    """The page at ``path`` from ``template`` (in pieces when the context is lazy)."""
    if ctx.lazy:
        return Output(path, ctx.render_chunks(template, path, **values))
    return Output(path, ctx.render(template, path, **values))
