"""The feature files of a large cell, parsed by two processes at once: a forked child and the command.

``Cell.prefetch_features`` starts a child that parses the feature files while the
command reads the ledger.  On two cores the ledger is read first (an 8,000-item
cell: 0.45 s against 0.65 s for 800 feature files), and the command then waited
for the child.  Here the files are cut into chunks that both processes claim from
one pair of shared counters (``govcell.process.Claims``): the child from the front
as soon as it starts, the command from the back when it needs the scenarios; they
meet where the work is done.  Each process reads, looks up in the shared cache and
parses only its own chunks.  The results go back in file order, so the index is
exactly the one a single process builds; a chunk the child claimed but never sent
(it died) is parsed by the command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from govcell.load.features import FileParse, index_of, matcher_for, parse_files
from govcell.process import Claims

if TYPE_CHECKING:
    from govcell.diagnostics import Diagnostic
    from govcell.load.config import Config
    from govcell.load.feature_index import FeatureIndex
    from govcell.load.sources import FileSource

#: Files per chunk: small enough that the two processes finish close together, large enough that a claim is rare.
CHUNK_FILES = 16


class SharedParse:
    """The parse of ``paths`` (found by ``discover``, with its ``problems``) that a child and its parent share."""

    def __init__(self, source: FileSource, config: Config, config_source: str | None, cache_owner: object,
                 paths: Sequence[str], problems: list[Diagnostic]) -> None:
        self.source, self.config, self.cache_owner = source, config, cache_owner
        self.matcher, found = matcher_for(config, config_source)
        self.found = found + problems  # as load_index orders them
        self.chunks = [list(paths[i:i + CHUNK_FILES]) for i in range(0, len(paths), CHUNK_FILES)]
        self.claims = Claims(len(self.chunks))

    def _parse(self, n: int) -> list[FileParse]:
        return parse_files(self.source, self.config, self.matcher, self.chunks[n], self.cache_owner,
                           parallel=False)

    def front(self) -> dict[int, list[FileParse]]:
        """The child's part: chunks from the front until none is left."""
        done: dict[int, list[FileParse]] = {}
        while (n := self.claims.front()) is not None:
            done[n] = self._parse(n)
        return done

    def finish(self, from_child: Callable[[], dict[int, list[FileParse]]]) -> FeatureIndex:
        """The parent's part: chunks from the back, then the child's (``from_child`` waits for them), in order."""
        done: dict[int, list[FileParse]] = {}
        while (n := self.claims.back()) is not None:
            done[n] = self._parse(n)
        done.update(from_child())
        for n in range(len(self.chunks)):
            if n not in done:  # claimed by a child that ended without sending it
                done[n] = self._parse(n)
        return index_of(self.matcher, self.found, [fp for n in range(len(self.chunks)) for fp in done[n]])
