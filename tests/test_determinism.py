"""Same repository, same bytes: every output twice, and in a copy at another path.

The outputs are those of the commands agents, CI and the site read: ``govcell
check`` in every format, ``status --json``, the feature-status report, the graph
in every format, ``policy test --format json``, every context bundle and (slow)
the whole site.  The repository is this one (policies, bundles, features and
all), committed to a throwaway git repository, and a clone of it elsewhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import git, run_command

COMMANDS = [
    "govcell check --format text", "govcell check --format json", "govcell check --format sarif",
    "govcell check --format github", "govcell status --json", "govcell graph --format json",
    "govcell graph --format mermaid", "govcell graph --format dot", "govcell policy test --format json",
    "govcell feature-status --check", "govcell next --json --limit 0",
]


def _outputs(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for command in COMMANDS:
        result = run_command(command, root)
        assert "Traceback" not in result.output, result.output
        out[command] = f"exit {result.code}\n{result.stdout}"
    out["feature_status.md"] = (root / "docs" / "feature_status.md").read_text(encoding="utf-8")
    listed = run_command("govcell bundle --list", root)
    for name in sorted(line.split()[0] for line in listed.stdout.splitlines() if line.strip()):
        bundle = root / "bundle-out" / f"{name}.md"
        result = run_command(["govcell", "bundle", name, "--out", str(bundle)], root)
        out[f"bundle {name}"] = f"exit {result.code}\n" + (bundle.read_text(encoding="utf-8") if bundle.exists()
                                                            else result.output)
    return out


@pytest.fixture(scope="module")
def two_copies(govcell_snapshot: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, _rev = govcell_snapshot
    second = tmp_path_factory.mktemp("elsewhere") / "a-different-name"
    git(first.parent, "clone", "-q", str(first), str(second))
    return first, second


@pytest.mark.ac("AC-PERF-005")
def test_every_output_is_byte_identical_twice_and_elsewhere(two_copies: tuple[Path, Path]) -> None:
    first, second = two_copies
    a = _outputs(first)
    assert a == _outputs(first), "a second run in the same place differs"
    b = _outputs(second)
    for key in a:
        assert a[key] == b[key], f"{key} differs between {first} and {second}"
    assert any(k.startswith("bundle ") for k in a), "this repository's bundles were not exercised"
    for text in a.values():
        assert str(first) not in text and str(second) not in text, "an absolute path leaked into an output"


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.ac("AC-PERF-005")
def test_site_is_byte_identical_twice_and_elsewhere(two_copies: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = two_copies
    trees = []
    for i, root in enumerate((first, first, second)):
        out = tmp_path / f"site{i}"
        result = run_command(["govcell", "site", "build", "--root", str(root), "--out", str(out)], root)
        assert result.code == 0, result.output
        trees.append(_tree(out))
    assert trees[0] == trees[1]
    assert trees[0] == trees[2]
