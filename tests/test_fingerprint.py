"""Fingerprints of findings and baseline files (govcell.derive.fingerprint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govcell.diagnostics import diag
from govcell.derive.fingerprint import (BASELINE_FORMAT, baseline_text, fingerprint, id_pattern, item_of,
                               normalise_message, read_baseline, split_new)

IDS = id_pattern(None)


def test_fingerprints_ignore_positions_and_sizes() -> None:
    a = diag("bundle.over-budget", "bundle 'x' renders to 881598 bytes, see a.feature:12:3 line 4", "p.yaml", 3, 1)
    b = diag("bundle.over-budget", "bundle 'x' renders to 881599 bytes, see a.feature:40:1 line 9", "p.yaml", 90, 7)
    assert fingerprint(a, IDS) == fingerprint(b, IDS)
    assert normalise_message("AC-X-001 at x.feature:3 has 2 tags") == "AC-X-001 at x.feature:N has N tags"
    moved = diag("ac.uncovered-kernel", "kernel AC AC-X-001 has no test", "specs/other.yaml", 5, 1)
    here = diag("ac.uncovered-kernel", "kernel AC AC-X-001 has no test", "specs/spec_ledger.yaml", 50, 1)
    assert item_of(here, IDS) == "AC-X-001" and fingerprint(moved, IDS) == fingerprint(here, IDS)
    other = diag("ac.uncovered-kernel", "kernel AC AC-X-002 has no test", "specs/spec_ledger.yaml", 50, 1)
    assert fingerprint(other, IDS) != fingerprint(here, IDS)
    assert fingerprint(diag("ac.other", here.message, here.path), IDS) != fingerprint(here, IDS)


def test_equal_fingerprints_match_one_for_one() -> None:
    one = diag("x.y", "same problem", "a.txt", 1, 1)
    two = diag("x.y", "same problem", "a.txt", 2, 1)
    new, old = split_new([one, two], [one], IDS)
    assert (new, old) == ([two], [one])


def test_a_baseline_round_trips_and_bad_ones_are_findings() -> None:
    found = [diag("x.y", "problem 1 of AC-A-001", "a.txt", 3, 1), diag("a.b", "other", "b.txt", 1, 1)]
    text = baseline_text(found, IDS)
    assert text == baseline_text(list(reversed(found)), IDS)  # deterministic
    doc = json.loads(text)
    assert doc["format"] == BASELINE_FORMAT and [e["code"] for e in doc["findings"]] == ["a.b", "x.y"]
    counts, problems = read_baseline(text, "b.json")
    assert problems == [] and counts is not None and sum(counts.values()) == 2
    assert split_new(found, counts, IDS)[0] == []
    for bad in ("not json", "[]", json.dumps({"format": BASELINE_FORMAT, "findings": [{}]})):
        counts, problems = read_baseline(bad, "b.json")
        assert counts is None and [d.code for d in problems] == ["baseline.invalid"]


def test_the_findings_at_a_commit_are_kept_for_the_next_new_since(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A second --new-since of the same commit reads its fingerprints from the shared cache."""
    import govcell.checks
    from govcell.report.revisions import baseline_counts
    from tests.conftest import git, init_git

    init_git(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec_ledger.yaml").write_text(
        "stories:\n  - id: US-A-001\n    title: A\n    requirements:\n      - id: REQ-A-1\n        title: R\n"
        "        acceptance_criteria:\n          - id: AC-A-001\n            text: T\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    runs: list[object] = []
    real = govcell.checks.run

    def counted(analysis: object, names: object = None, **kw: object) -> object:
        runs.append(names)
        return real(analysis, names, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(govcell.checks, "run", counted)
    first = baseline_counts(tmp_path, None, None, "HEAD", None)
    assert first[0] and runs == [None]  # the uncovered AC is a finding
    assert baseline_counts(tmp_path, None, None, "HEAD", None) == first and runs == [None]
    # Other checks are another entry.
    assert baseline_counts(tmp_path, None, ["ac-tags"], "HEAD", None)[0] is not None and runs == [None, ["ac-tags"]]
    monkeypatch.setenv("GOVCELL_NO_CACHE", "1")
    assert baseline_counts(tmp_path, None, None, "HEAD", None) == first and len(runs) == 3
