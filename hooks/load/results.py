"""Test result files: what actually ran, passed and failed.

Three formats are read, detected from the content (never from the name):

* ``govcell``: the JSON the govcell pytest plugin writes (``hooks/entry/pytest_plugin.py``),
  one record per test with its outcome and the ACs it proves;
* ``cucumber``: cucumber JSON (pytest-bdd's ``--cucumberjson``, or Cucumber's own);
* ``junit``: JUnit XML from any tool (pytest ``--junitxml``, cargo-nextest, surefire...).

Results are read here, as the files hold them; matching them to the feature index
(a result naming a scenario that no longer exists is *stale*) is
:mod:`govcell.derive.matching`'s job, matching to the ledger's unit-test mappings
:mod:`govcell.derive.coverage`'s.  A broken result file is a finding, never a crash:
status must be computable from whatever CI left behind.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, Severity, diag

if TYPE_CHECKING:
    from govcell.load.config import Config
    from govcell.load.features import Scenario, TagMatcher
    from govcell.load.sources import FileSource

RESULTS_SCHEMA = "govcell.results/1"
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
_OUTCOMES = {
    "passed": PASSED, "xpassed": PASSED, "success": PASSED, "ok": PASSED,
    "failed": FAILED, "error": FAILED, "errored": FAILED, "ambiguous": FAILED, "failure": FAILED,
    "skipped": SKIPPED, "xfailed": SKIPPED, "pending": SKIPPED, "undefined": SKIPPED, "deselected": SKIPPED,
}


@dataclasses.dataclass(frozen=True)
class TestResult:
    """One executed test (or scenario) from a result file."""

    __test__ = False  # not a pytest test class

    source: str
    format: str
    outcome: str  #: passed | failed | skipped
    name: str  #: test function / testcase name / scenario name
    nodeid: str = ""
    classname: str = ""
    file: str = ""  #: test file as recorded (plugin)
    feature: str = ""  #: feature file as recorded
    line: int = 0  #: scenario line as recorded
    acs: tuple[str, ...] = ()
    scenario: Scenario | None = None  #: the scenario of the index it ran, when known

    @property
    def base_name(self) -> str:
        """The test's name without pytest parameters (``test_x[1-2]`` -> ``test_x``)."""
        return self.name.split("[", 1)[0]


@dataclasses.dataclass
class ResultFile:
    """One configured result file and what was read from it."""

    path: str
    format: str | None
    present: bool
    tests: int = 0


@dataclasses.dataclass
class ResultSet:
    files: list[ResultFile]
    results: list[TestResult]
    diagnostics: list[Diagnostic]

    def by_name(self) -> dict[str, list[TestResult]]:
        out: dict[str, list[TestResult]] = {}
        for r in self.results:
            out.setdefault(r.base_name, []).append(r)
        return out


def expand(root: Path, patterns: Iterable[str]) -> list[str]:
    """Configured paths and globs -> existing-or-named relative paths, sorted, unique."""
    from govcell.load.globs import is_glob, on_disk

    out: list[str] = []
    for pattern in patterns:
        if is_glob(pattern):
            out.extend(on_disk(root, pattern) or [pattern])
        else:
            out.append(pattern)
    return sorted(set(out))


def load_results(source: FileSource, config: Config, config_source: str | None,
                 cache_owner: object | None = None) -> ResultSet:
    """Read every result file of ``config.results.files`` in ``source`` (as read: matching them to scenarios
    is :func:`govcell.derive.matching.match_results`).  ``cache_owner``: the object whose cache
    (``govcell.load.cache.for_cell``) keeps parsed files (the Cell); None parses every file."""
    from govcell.load.features import matcher_for
    from govcell.load.text import read_text

    if source.kind != "worktree":
        # Test results are a run's output, not part of a revision.
        return ResultSet([], [], [])
    root = source.root
    matcher, _ = matcher_for(config, config_source)
    files: list[ResultFile] = []
    results: list[TestResult] = []
    found: list[Diagnostic] = []
    for rel in expand(root, config.results.files):
        if not (root / rel).exists():
            files.append(ResultFile(rel, None, present=False))
            continue
        read = read_text(root, rel, max_bytes=config.limits.max_file_bytes, code="results")
        if read.text is None:
            found.extend(read.diagnostics)
            files.append(ResultFile(rel, None, present=True))
            continue
        if cache_owner is None:
            fmt, parsed, diags = parse_results(read.text, rel, matcher)
        else:
            from govcell.load.cache import cached_call

            fmt, parsed, diags = cached_call(cache_owner, "results", (rel, matcher.pattern, read.text),
                                             parse_results, read.text, rel, matcher)
        found.extend(diags)
        files.append(ResultFile(rel, fmt, present=True, tests=len(parsed)))
        results.extend(parsed)
    return ResultSet(files, results, found)


def parse_results(text: str, path: str,
                  matcher: TagMatcher | None = None) -> tuple[str | None, list[TestResult], list[Diagnostic]]:
    """Detect the format of one result file's text and read its results."""
    from govcell.load.features import DEFAULT_AC_TAG, TagMatcher

    matcher = matcher or TagMatcher(DEFAULT_AC_TAG)
    stripped = text.strip()
    if not stripped:
        return None, [], [diag("results.empty", f"{path} is empty", path, 1, 1, severity=Severity.WARNING,
                               hint="the test run that writes it probably crashed; run the tests again")]
    if stripped.startswith("<"):
        return "junit", *_junit(stripped, path, matcher)
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return None, [], [diag("results.malformed", f"{path} is neither JSON nor XML: {exc.msg}", path,
                               exc.lineno, exc.colno, hint="the test run that writes it was probably cut short")]
    except RecursionError:
        return None, [], [diag("results.malformed", f"{path} is JSON nested too deeply to be a result file", path,
                               1, 1, hint="point results.files at the test run's result file")]
    if isinstance(data, dict) and data.get("schema") == RESULTS_SCHEMA:
        return "govcell", *_govcell(data, path, matcher)
    if isinstance(data, list) and all(isinstance(f, dict) and "elements" in f for f in data):
        return "cucumber", *_cucumber(data, path, matcher)
    return None, [], [diag("results.unknown-format", f"{path} is JSON but not a result format govcell reads", path,
                           1, 1, hint=f"expected cucumber JSON, JUnit XML or the govcell plugin's {RESULTS_SCHEMA}")]


def _outcome(value: Any) -> str:
    return _OUTCOMES.get(str(value).lower(), SKIPPED)


def _acs_from(tags: Iterable[str], matcher: TagMatcher) -> tuple[str, ...]:
    out = set()
    for t in tags:
        tag = t if t.startswith("@") else "@" + t
        ac = matcher.ac_id(tag)
        if ac:
            out.add(ac)
    return tuple(sorted(out))


def _malformed(path: str, what: str) -> list[Diagnostic]:
    return [diag("results.malformed", f"{path}: {what}", path, 1, 1,
                 hint="regenerate it by running the tests again")]


def _govcell(data: dict[str, Any], path: str, matcher: TagMatcher) -> tuple[list[TestResult], list[Diagnostic]]:
    tests = data.get("tests")
    if not isinstance(tests, list):
        return [], _malformed(path, "'tests' is not a list")
    out: list[TestResult] = []
    bad = 0
    for t in tests:
        if not isinstance(t, dict) or not isinstance(t.get("nodeid"), str) or "outcome" not in t:
            bad += 1
            continue
        acs = [a for a in t.get("acs") or () if isinstance(a, str)]
        line = t.get("line")
        out.append(TestResult(
            source=path, format="govcell", outcome=_outcome(t["outcome"]),
            name=str(t.get("function") or t["nodeid"].rsplit("::", 1)[-1]), nodeid=t["nodeid"],
            file=str(t.get("file") or t["nodeid"].split("::", 1)[0]), feature=str(t.get("feature") or ""),
            line=line if isinstance(line, int) else 0, acs=tuple(sorted(set(acs))),
        ))
    found = _malformed(path, f"{bad} test record(s) lack 'nodeid' or 'outcome'") if bad else []
    return out, found


def _cucumber(data: list[dict[str, Any]], path: str, matcher: TagMatcher) -> tuple[list[TestResult], list[Diagnostic]]:
    out: list[TestResult] = []
    for feature in data:
        uri = str(feature.get("uri") or "")
        ftags = [t.get("name", "") for t in feature.get("tags") or () if isinstance(t, dict)]
        for el in feature.get("elements") or ():
            if not isinstance(el, dict) or el.get("type", "scenario") != "scenario":
                continue
            tags = ftags + [t.get("name", "") for t in el.get("tags") or () if isinstance(t, dict)]
            statuses = [_outcome((s.get("result") or {}).get("status")) for s in el.get("steps") or ()
                        if isinstance(s, dict)]
            outcome = FAILED if FAILED in statuses else SKIPPED if (SKIPPED in statuses or not statuses) else PASSED
            line = el.get("line")
            out.append(TestResult(
                source=path, format="cucumber", outcome=outcome, name=str(el.get("name") or ""),
                nodeid=str(el.get("id") or ""), feature=uri, line=line if isinstance(line, int) else 0,
                acs=_acs_from(tags, matcher),
            ))
    return out, []


def _junit(text: str, path: str, matcher: TagMatcher) -> tuple[list[TestResult], list[Diagnostic]]:
    import xml.etree.ElementTree as ET

    if re.search(r"<!(DOCTYPE|ENTITY)", text[:4096]):
        return [], _malformed(path, "XML with a DTD or entities is not accepted")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = exc.position
        return [], [diag("results.malformed", f"{path} is not well-formed XML: {exc}", path, line, col + 1,
                         hint="the test run that writes it was probably cut short")]
    if root.tag not in ("testsuites", "testsuite"):
        return [], [diag("results.unknown-format", f"{path} is XML but not JUnit (root <{root.tag}>)", path, 1, 1,
                         hint="expected <testsuites> or <testsuite>")]
    out: list[TestResult] = []
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = FAILED
        elif case.find("skipped") is not None:
            outcome = SKIPPED
        else:
            outcome = PASSED
        props = [p.get("value", "") for p in case.iter("property") if (p.get("name") or "").lower() in ("ac", "acs")]
        acs = _acs_from((a for v in props for a in re.split(r"[\s,]+", v) if a), matcher)
        classname = case.get("classname") or ""
        name = case.get("name") or ""
        out.append(TestResult(source=path, format="junit", outcome=outcome, name=name,
                              nodeid=f"{classname}::{name}" if classname else name, classname=classname,
                              file=case.get("file") or "", acs=acs))
    return out, []
