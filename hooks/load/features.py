"""Gherkin feature files, parsed once into an index of scenarios and their AC tags.

The parser is gherkin-official (the one pytest-bdd itself uses), so what govcell
reads is exactly what the test runner executes: Rules, Backgrounds, Scenario
Outlines with Examples, and every language of the Gherkin dialect list.  Tags
are kept with their lines so a finding points at the tag, and each scenario
carries its *effective* tags (Feature and Rule tags are inherited; the tags of
an Outline's Examples apply to their rows, so they count for the outline too).

gherkin is imported inside :func:`parse_feature` only: hooks that never read a
feature file never pay for it.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, Severity, diag
from govcell.load.feature_index import (
    DEFAULT_AC_TAG,
    INDEX_CLASSES,
    Examples,
    FeatureFile,
    FeatureIndex,
    Scenario,
    TagMatcher,
    TagRef,
)

if TYPE_CHECKING:
    from govcell.load.config import Config
    from govcell.load.sources import FileSource

#: The index's names, with this module's own (callers import the feature files from one place).
__all__ = ["DEFAULT_AC_TAG", "GHERKIN_REFERENCE", "Examples", "FeatureFile", "FeatureIndex", "FileParse",
           "Scenario", "TagMatcher", "TagRef", "build_index", "discover", "discover_in", "fast_pickled",
           "index_of", "load_index", "matcher_for", "parse_feature", "parse_files"]

GHERKIN_REFERENCE = "see https://cucumber.io/docs/gherkin/reference/"


def matcher_for(config: Config, config_source: str | None) -> tuple[TagMatcher, list[Diagnostic]]:
    """The AC tag matcher ``config`` sets (the default, plus a finding at ``config_source``, if the pattern is bad)."""
    source = config.ac_tags.pattern or "@" + config.ids.ac
    try:
        return TagMatcher(source), []
    except re.error as exc:
        where = config_source or ".govcell.yaml"
        return TagMatcher(DEFAULT_AC_TAG), [diag("config.bad-pattern",
                                                 f"the AC tag pattern {source!r} is not a valid regular "
                                                 f"expression: {exc}",
                                                 where, 1, 1, hint="fix ac_tags.pattern (or ids.ac) in the config")]


def discover(root: Path, dirs: Sequence[str], problems: list[Diagnostic] | None = None) -> list[str]:
    """Every ``*.feature`` under ``dirs`` (files allowed too), relative, sorted, unique.

    A directory that resolves outside the repository (a symlink out of it) is
    not walked; ``problems`` gets a ``file.outside-repo`` finding for it.
    """
    found: set[str] = set()
    real_root = os.path.realpath(root)
    for entry in dirs:
        base = root / entry
        real = os.path.realpath(base)
        if os.path.commonpath([real, real_root]) != real_root:
            if problems is not None and os.path.lexists(base):
                problems.append(diag("file.outside-repo", f"feature directory {entry} resolves outside the "
                                     "repository; not searched", entry,
                                     hint="keep feature files inside the repository (no symlink out of it)"))
            continue
        if base.is_file() and base.suffix == ".feature":
            found.add(Path(entry).as_posix())
            continue
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.endswith(".feature"):
                    found.add(Path(os.path.relpath(os.path.join(dirpath, name), root)).as_posix())
    return sorted(found)


def discover_in(source: FileSource, dirs: Sequence[str]) -> list[str]:
    """``discover`` over any file source (a git revision, the index)."""
    found: set[str] = set()
    for entry in dirs:
        rel = Path(entry).as_posix()
        if source.is_file(rel) and rel.endswith(".feature"):
            found.add(rel)
            continue
        found.update(p for p in source.walk(rel, skip_hidden_dirs=True) if p.endswith(".feature"))
    return sorted(found)


#: What reading and parsing one feature file gives: the read's findings, then the parse (None: not read).
FileParse = tuple[list[Diagnostic], "tuple[FeatureFile | None, list[Diagnostic]] | None"]


def load_index(source: FileSource, config: Config, config_source: str | None,
               cache_owner: object | None = None) -> FeatureIndex:
    """Parse every feature file under ``config.paths.features`` in ``source`` (what ``Cell.features`` caches).

    ``cache_owner``: the object whose content-addressed cache (``govcell.load.cache.for_cell``) keeps
    parsed files between processes (the Cell); None parses every file."""
    matcher, found = matcher_for(config, config_source)
    paths = discover(source.root, config.paths.features, found) if source.kind == "worktree" \
        else discover_in(source, config.paths.features)
    return index_of(matcher, found, parse_files(source, config, matcher, paths, cache_owner))


def parse_files(source: FileSource, config: Config, matcher: TagMatcher, paths: Sequence[str],
                cache_owner: object | None, *, parallel: bool = True) -> list[FileParse]:
    """Read and parse ``paths``, in their order (``parallel``: on every core, for many files)."""
    reads = [source.read_text(rel, max_bytes=config.limits.max_file_bytes) for rel in paths]
    texts = [(rel, read.text) for rel, read in zip(paths, reads) if read.text is not None]
    parse_all = _parse_all if parallel else _parse_in_turn
    if cache_owner is None:
        parsed = parse_all(texts, matcher)
    else:
        from govcell.load.cache import cached_features

        parsed = cached_features(cache_owner, texts, matcher, parse_all, INDEX_CLASSES)
    results = iter(parsed)
    return [(read.diagnostics, next(results) if read.text is not None else None) for read in reads]


def index_of(matcher: TagMatcher, found: list[Diagnostic], parsed: Sequence[FileParse]) -> FeatureIndex:
    """The index of the parsed files; ``found`` gets every read's findings, then every parse's."""
    for read_findings, _ in parsed:
        found.extend(read_findings)
    files: list[FeatureFile] = []
    for _, result in parsed:
        if result is None:
            continue
        feature, diags = result
        found.extend(diags)
        if feature is not None:
            files.append(feature)
    return build_index(files, found, matcher.pattern)


def fast_pickled() -> None:
    """Pickle a feature index quickly (into the cache, or from a child process that parsed it)."""
    from govcell.diagnostics import Diagnostic
    from govcell.load.cache import fast_pickle

    fast_pickle(*INDEX_CLASSES, Diagnostic)


#: Below this many files one process parses faster than starting workers: forking a process
#: that has already loaded the ledger and pickling every parsed file back cost more than the
#: second core saved on the 200 files of a 2,000-item cell (0.80 s against 0.71 s for the whole
#: ``govcell check``, idle); on the 800 of an 8,000-item cell the workers still win.
PARALLEL_MIN_FILES = 400


def _parse_all(texts: list[tuple[str, str]], matcher: TagMatcher) -> list[tuple[FeatureFile | None, list[Diagnostic]]]:
    """Parse in file order; gherkin-official is pure Python, so large cells use every core.

    Files go to the workers in chunks (one pickled matcher per chunk, not per file).
    """
    from govcell.process import parallel_map

    if len(texts) < PARALLEL_MIN_FILES:
        return _parse_chunk((texts, matcher))
    size = -(-len(texts) // 8)
    chunks = [(texts[i:i + size], matcher) for i in range(0, len(texts), size)]
    return [result for part in parallel_map(_parse_chunk, chunks, min_items=1, chunks_per_worker=1)
            for result in part]


def _parse_in_turn(texts: list[tuple[str, str]],
                   matcher: TagMatcher) -> list[tuple[FeatureFile | None, list[Diagnostic]]]:
    return _parse_chunk((texts, matcher))


def _parse_chunk(job: tuple[list[tuple[str, str]], TagMatcher]) -> list[tuple[FeatureFile | None, list[Diagnostic]]]:
    texts, matcher = job
    return [parse_feature(text, rel, matcher) for rel, text in texts]


def build_index(files: list[FeatureFile], diagnostics: list[Diagnostic], pattern: str = DEFAULT_AC_TAG) -> FeatureIndex:
    by_ac: dict[str, list[Scenario]] = {}
    for f in files:
        for s in f.scenarios:
            for ac in s.ac_ids:
                by_ac.setdefault(ac, []).append(s)
    return FeatureIndex(files, diagnostics, dict(sorted(by_ac.items())), pattern)


def parse_feature(text: str, path: str,
                  matcher: TagMatcher | None = None) -> tuple[FeatureFile | None, list[Diagnostic]]:
    """Parse one feature file's text; syntax errors become findings with their line."""
    from gherkin.errors import CompositeParserException, ParserException

    from govcell.load.gherkin_fast import parse

    matcher = matcher or TagMatcher(DEFAULT_AC_TAG)
    try:
        doc = parse(text)
    except CompositeParserException as exc:
        return None, [_parse_error(e, path) for e in exc.errors]
    except ParserException as exc:
        return None, [_parse_error(exc, path)]
    feature = doc.get("feature")
    if not feature:
        return None, [diag("gherkin.no-feature", f"{path} holds no Feature", path, 1, 1, severity=Severity.WARNING,
                           hint="start the file with 'Feature: <name>', or delete it")]
    return _Builder(text, path, matcher).feature(feature), []


def dedent_lines(lines: list[str]) -> str:
    """``textwrap.dedent("\\n".join(lines))``, without its regular expressions (every scenario's text is one).

    As textwrap: a line of only spaces and tabs becomes empty, and the longest run of
    spaces and tabs that starts every other line is removed from each.
    """
    indents = []
    for line in lines:
        body = line.lstrip(" \t")
        if body:
            indents.append(line[:len(line) - len(body)])
    margin = 0
    if indents:  # the common prefix of all is that of the least and the greatest (as os.path.commonprefix)
        lo, hi = min(indents), max(indents)
        margin = next((i for i, (a, b) in enumerate(zip(lo, hi)) if a != b), len(lo))
    return "\n".join([line[margin:] if line.strip(" \t") else "" for line in lines])


def _parse_error(exc: Exception, path: str) -> Diagnostic:
    loc = getattr(exc, "location", None) or {}
    line, col = int(loc.get("line") or 1), int(loc.get("column") or 1)
    message = re.sub(r"^\(\d+:\d+\): ", "", str(exc))
    if type(exc).__name__ == "NoSuchLanguageException":
        return diag("gherkin.unknown-language", message, path, line, col,
                    hint="use a language code of the Gherkin dialects (en, fr, de, ...) in '# language: xx'")
    return diag("gherkin.syntax", message, path, line, col, hint=GHERKIN_REFERENCE)


class _Builder:
    """Turns gherkin's AST into govcell's dataclasses for one file."""

    def __init__(self, text: str, path: str, matcher: TagMatcher) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.matcher = matcher
        self.refs: list[TagRef] = []
        self.starts: list[int] = []

    def _tags(self, node: dict[str, Any], level: str) -> tuple[str, ...]:
        names = []
        for t in node.get("tags") or ():
            loc = t.get("location") or {}
            self.refs.append(TagRef(t["name"], int(loc.get("line", 0)), int(loc.get("column", 0)), level))
            names.append(t["name"])
        return tuple(names)

    def _acs(self, tags: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({a for a in (self.matcher.ac_id(t) for t in tags) if a}))

    def _start(self, node: dict[str, Any]) -> int:
        lines = [int(t["location"]["line"]) for t in node.get("tags") or ()]
        return min(lines + [int(node["location"]["line"])])

    def feature(self, node: dict[str, Any]) -> FeatureFile:
        ftags = self._tags(node, "feature")
        pending: list[tuple[dict[str, Any], str | None, tuple[str, ...]]] = []
        for child in node.get("children") or ():
            if "rule" in child:
                rule = child["rule"]
                self.starts.append(self._start(rule))
                rtags = self._tags(rule, "rule")
                for rchild in rule.get("children") or ():
                    if "scenario" in rchild:
                        pending.append((rchild["scenario"], rule.get("name") or "", ftags + rtags))
                    elif "background" in rchild:
                        self.starts.append(self._start(rchild["background"]))
            elif "scenario" in child:
                pending.append((child["scenario"], None, ftags))
            elif "background" in child:
                self.starts.append(self._start(child["background"]))
        for sc, _, _ in pending:
            self.starts.append(self._start(sc))
        self.starts.sort()
        scenarios = [self.scenario(sc, rule, inherited) for sc, rule, inherited in pending]
        scenarios.sort(key=lambda s: s.line)
        return FeatureFile(
            path=self.path,
            name=(node.get("name") or "").strip(),
            line=int(node["location"]["line"]),
            language=node.get("language") or "en",
            tags=ftags,
            scenarios=scenarios,
            keyword=node.get("keyword") or "Feature",
            tag_refs=tuple(sorted(self.refs, key=lambda r: (r.line, r.col))),
        )

    def scenario(self, node: dict[str, Any], rule: str | None, inherited: tuple[str, ...]) -> Scenario:
        own = self._tags(node, "scenario")
        examples = []
        ex_tags: list[str] = []
        for ex in node.get("examples") or ():
            tags = self._tags(ex, "examples")
            ex_tags.extend(tags)
            examples.append(Examples(name=(ex.get("name") or "").strip(), line=int(ex["location"]["line"]),
                                     tags=tags, ac_ids=self._acs(tags), rows=len(ex.get("tableBody") or ())))
        effective = tuple(sorted(set(inherited) | set(own) | set(ex_tags)))
        start = self._start(node)
        # self.starts is sorted: the next block start by bisection (linear in scenarios per file, not quadratic).
        nxt = bisect.bisect_right(self.starts, start)
        end = (self.starts[nxt] - 1) if nxt < len(self.starts) else len(self.lines)
        body = self.lines[start - 1:end]
        while body and (not body[-1].strip() or body[-1].lstrip().startswith("#")):
            body.pop()
        return Scenario(
            name=(node.get("name") or "").strip(),
            keyword=(node.get("keyword") or "Scenario").strip(),
            file=self.path,
            line=int(node["location"]["line"]),
            tags=effective,
            ac_ids=self._acs(effective),
            rule=rule,
            text=dedent_lines(body),
            column=int(node["location"].get("column") or 1),
            own_tags=own,
            examples=tuple(examples),
        )
