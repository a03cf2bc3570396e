"""govcell.derive.next_work: priority parsing (the ranking itself is in features/ac_tags.feature)."""

from __future__ import annotations

import pytest

from govcell.derive.next_work import priority_rank
from govcell.formats.tasks import Task


@pytest.mark.parametrize(("priority", "labels", "rank"), [
    ("P0", [], 0), ("high", [], 1), ("2", [], 2), (None, ["priority:low"], 3), (None, ["priority/P1"], 1),
    (None, ["p2", "bug"], 2), (None, ["critical"], 0), (None, ["2", "docs"], 5), (None, [], 5),
    ("P3", ["priority:high"], 1),
])
def test_priority_rank(priority: str | None, labels: list[str], rank: int) -> None:
    assert priority_rank(Task(id="T", title="t", priority=priority, labels=labels)) == rank
