"""govcell.derive.feature_status on this repository's own cell."""

from __future__ import annotations

from tests.conftest import REPO_ROOT, run_command


def test_own_feature_status_is_current() -> None:
    """docs/feature_status.md is committed; regenerate it with `govcell feature-status`."""
    result = run_command("govcell feature-status --check", REPO_ROOT)
    assert result.code == 0, result.output


def test_own_ac_tags_are_clean() -> None:
    """No warnings either: every scenario of this repository proves an AC."""
    result = run_command("govcell check ac-tags --strict", REPO_ROOT)
    assert result.code == 0 and result.output == "", result.output
