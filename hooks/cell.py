"""The loaded cell: the inputs of a governed repository, as read, and nothing derived.

Config, ledger, tasks, flows, contextpack, doc index, feature files, test result
files and ADRs, all read through one :class:`~govcell.load.sources.FileSource`.
Each is read lazily and at most once (``functools.cached_property``), so the
all-in-one ``govcell check`` parses the ledger a single time however many checks
use it, and a single-check hook reads only what it needs.  What is computed from
these inputs (coverage, the graph, policy results, bundles, findings) lives in
:class:`govcell.derive.analysis.Analysis`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from govcell.load.config import Config, LoadedConfig, load_config
from govcell.diagnostics import Diagnostic

if TYPE_CHECKING:
    from pydantic import BaseModel

    from govcell.load.adr import AdrIndex
    from govcell.formats.contextpack import ContextPack
    from govcell.formats.docindex import DocIndex
    from govcell.load.features import FeatureIndex
    from govcell.formats.flows import FlowsFile
    from govcell.formats.ledger import Ledger
    from govcell.formats.reviews import ReviewsFile
    from govcell.load.sources import FileSource
    from govcell.load.results import ResultSet
    from govcell.formats.tasks import TasksFile
    from govcell.load.validate import Loaded
    from govcell.load.text import ReadResult

_M = TypeVar("_M", bound="BaseModel")


#: Below this much Gherkin, parsing it in a child (:meth:`Cell.prefetch_features`) is not worth a fork.
PREFETCH_MIN_BYTES = 192 * 1024


class Cell:
    """The inputs of the governed repository rooted at ``root``."""

    def __init__(self, root: Path | str = ".", config_path: str | None = None,
                 source: FileSource | None = None) -> None:
        from govcell.load.sources import WorkTree

        self.root = Path(root).absolute()
        #: the config file named on the command line (None: found in the cell)
        self.config_path = config_path
        #: where every file of the cell is read from (the working tree, a git revision, the index)
        self.source: FileSource = source if source is not None else WorkTree(self.root)
        from govcell.load.cache import cached_config

        self._loaded_config: LoadedConfig = cached_config(self, load_config)

    @property
    def in_worktree(self) -> bool:
        """True when the cell is read from disk (not from a git revision or the index)."""
        return self.source.kind == "worktree"

    def read_text(self, rel: str, *, max_bytes: int | None = None, code: str = "file") -> ReadResult:
        """Read a text file of the cell from its source (findings instead of exceptions)."""
        limit = self.config.limits.max_file_bytes if max_bytes is None else max_bytes
        return self.source.read_text(rel, max_bytes=limit, code=code)

    @property
    def config(self) -> Config:
        return self._loaded_config.config

    @property
    def config_source(self) -> str | None:
        return self._loaded_config.source

    @property
    def config_diagnostics(self) -> list[Diagnostic]:
        return self._loaded_config.diagnostics

    def _load(self, rel: str, model: type[_M], prefix: str, *, required: bool,
              empty_ok: bool = False) -> Loaded[_M]:
        from govcell.load.cache import cached_validated

        return cached_validated(self, rel, model, prefix, required=required, empty_ok=empty_ok)

    @functools.cached_property
    def ledger(self) -> Loaded[Ledger]:
        from govcell.formats.ledger import Ledger

        return self._load(self.config.paths.ledger, Ledger, "ledger", required=False)

    @functools.cached_property
    def tasks(self) -> Loaded[TasksFile]:
        from govcell.formats.tasks import TasksFile

        return self._load(self.config.paths.tasks, TasksFile, "tasks", required=False, empty_ok=True)

    @functools.cached_property
    def flows(self) -> Loaded[FlowsFile]:
        from govcell.formats.flows import FlowsFile

        return self._load(self.config.paths.flows, FlowsFile, "flows", required=False, empty_ok=True)

    @functools.cached_property
    def contextpack(self) -> Loaded[ContextPack]:
        from govcell.formats.contextpack import ContextPack

        return self._load(self.config.paths.contextpack, ContextPack, "contextpack", required=False, empty_ok=True)

    @functools.cached_property
    def doc_index(self) -> Loaded[DocIndex]:
        from govcell.formats.docindex import DocIndex

        return self._load(self.config.paths.doc_index, DocIndex, "docindex", required=False, empty_ok=True)

    @functools.cached_property
    def reviews(self) -> Loaded[ReviewsFile]:
        """``paths.reviews``: which proof of which AC was reviewed against which meaning (``govcell review``)."""
        from govcell.load.reviews import load

        return load(self.source, self.config.paths.reviews, self.config.limits.max_file_bytes)

    def unreadable_inputs(self) -> list[Loaded[Any]]:
        """The cell's files that exist but could not be read at all (so what depends on them is unknown)."""
        files = (self.ledger, self.tasks, self.flows, self.contextpack, self.doc_index)
        return [f for f in files if f.unreadable]

    @functools.cached_property
    def adrs(self) -> AdrIndex:
        from govcell.load.adr import scan

        return scan(self.source, self.config.paths.adr, self.config.limits.max_file_bytes)

    @functools.cached_property
    def features(self) -> FeatureIndex:
        """Every feature file under ``paths.features``, parsed (gherkin-official)."""
        shared = self.__dict__.pop("_features_shared", None)
        if shared is not None:
            from govcell.load.cache import counted_result

            parse, later = shared

            def from_child() -> dict[int, Any]:
                ok, part = counted_result(later)
                return cast("dict[int, Any]", part) if ok else {}  # what a failed child claimed is parsed here

            return cast("FeatureIndex", parse.finish(from_child))
        return self._load_features()

    def _load_features(self) -> FeatureIndex:
        from govcell.load.features import load_index

        return load_index(self.source, self.config, self.config_source, cache_owner=self)

    def prefetch_features(self) -> None:
        """Start parsing the feature files on the other core while this process reads the spec files.

        Only in a console script about to exit (:func:`govcell.process.retain`'s
        condition), on a large cell: a forked child parses (or takes from the shared
        cache) the feature files chunk by chunk while the ledger is read here; when
        :attr:`features` is first asked for, this process parses the chunks the child
        has not reached yet and takes the child's (``govcell.load.feature_share``).
        An in-process caller (the tests) reads them in turn; a child that fails
        leaves its chunks to this process, so nothing is lost either way.
        """
        from govcell.process import in_console_script

        if "features" in self.__dict__ or "_features_shared" in self.__dict__ or not in_console_script() \
                or not self.in_worktree:
            return
        from govcell.load.features import discover, fast_pickled

        problems: list[Diagnostic] = []
        paths = discover(self.root, self.config.paths.features, problems)
        total = 0
        for rel in paths:
            try:
                total += os.stat(os.path.join(self.root, rel)).st_size
            except OSError:
                continue
        if total < PREFETCH_MIN_BYTES:
            return  # a child costs more than it saves (10 ms of a 0.2 s hook on this repository's cell)
        from govcell.load.cache import with_counts
        from govcell.load.feature_share import SharedParse
        from govcell.load.git import close_all
        from govcell.process import Later

        fast_pickled()
        parse = SharedParse(self.source, self.config, self.config_source, self, paths, problems)
        self.__dict__["_features_shared"] = (parse, Later(with_counts, (parse.front,), close_all))

    @functools.cached_property
    def test_results(self) -> ResultSet:
        """The test result files named in ``results.files``, as read (``Analysis.results`` matches them)."""
        from govcell.load.results import load_results

        return load_results(self.source, self.config, self.config_source, cache_owner=self)
