"""Time ``govcell history --last 50`` on a synthetic cell with 50 commits, cold and warm.

    python bench/history_bench.py [--items 2000] [--commits 50] [--repeat 3]

The cell comes from ``bench/gen_cell.py`` (one commit); then ``--commits``
first-parent commits follow in a cycle of ten that is what a governed
repository's history looks like: six change code only (``src/app.py``), two
rewrite or add an AC in the ledger, one adds a scenario to a feature file and
one edits a document.  *Cold* is the first run (no cache in ``.git/govcell``),
*warm* a second run with nothing new, *one new* a run after one more commit.
Each run is a fresh process; figures are printed as Markdown rows for
``docs/benchmarks.md``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from gen_cell import git  # noqa: E402


def step(cell: Path, n: int, stories: int) -> None:
    """Commit number ``n`` of the history (deterministic) on a cell of ``stories`` stories."""
    kind = n % 10
    if kind in (0, 1, 3, 5, 6, 8):
        app = cell / "src/app.py"
        app.parent.mkdir(exist_ok=True)
        app.write_text((app.read_text() if app.exists() else "") + f"def f{n}() -> int:\n    return {n}\n")
        git(cell, "add", "-A")
        message = f"code {n}"
    elif kind in (2, 7):
        ledger = cell / "specs/spec_ledger.yaml"
        text = ledger.read_text()
        if kind == 2:
            ac = f"id: AC-B{n % stories + 1:04d}-101\n            text: When the user does thing 1"
            text = text.replace(ac, f"{ac} (revision {n})", 1)
        else:
            text += (f"  - id: US-H{n:03d}\n    title: Story of commit {n}\n    requirements:\n"
                     f"      - id: REQ-H{n:03d}-1\n        title: New\n        acceptance_criteria:\n"
                     f"          - id: AC-H{n:03d}-001\n            text: Something new holds\n")
        ledger.write_text(text)
        message = f"ledger {n}"
    elif kind == 4:
        feature = cell / f"specs/features/story_{n % stories + 1:04d}.feature"
        feature.write_text(feature.read_text() + f"\n  Scenario: Extra {n}\n    Given commit {n}\n")
        message = f"feature {n}"
    else:
        doc = cell / "docs/notes.md"
        doc.parent.mkdir(exist_ok=True)
        doc.write_text((doc.read_text() if doc.exists() else "# Notes\n") + f"\nNote {n}.\n")
        git(cell, "add", "-A")
        message = f"docs {n}"
    git(cell, "commit", "-qam", message)


def make_cell(items: int, commits: int) -> tuple[Path, int]:
    cell = HERE / "cells" / f"history-{items}"
    if cell.exists():
        shutil.rmtree(cell)
    subprocess.run([sys.executable, str(HERE / "gen_cell.py"), str(cell), "--items", str(items)], check=True,
                   capture_output=True)
    stories = len(list((cell / "specs" / "features").glob("story_*.feature")))
    for n in range(commits - 1):
        step(cell, n, stories)
    return cell, stories


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU): CPU is user + sys of the command and every process it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cell, stories = make_cell(args.items, args.commits)
    argv = [str(BIN / "govcell"), "history", "--last", str(args.commits)]
    cache = cell / ".git/govcell"
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    new: list[tuple[float, float]] = []
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for r in range(args.repeat):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed(argv, cell))
        warm.append(timed(argv, cell))
        step(cell, 1000 + r * 10 + 2, stories)  # one more commit that rewrites an AC
        new.append(timed(argv, cell))
    print("| command | wall min | wall median | CPU median |\n|---|---:|---:|---:|")
    for label, xs in (("cold (no cache)", cold), ("warm (nothing new)", warm), ("one new commit (ledger)", new)):
        walls, cpus = sorted(x[0] for x in xs), sorted(x[1] for x in xs)
        print(f"| `govcell history --last {args.commits}` {label} ({args.items} items) | {walls[0]:.2f} | "
              f"{walls[len(walls) // 2]:.2f} | {cpus[len(cpus) // 2]:.2f} |")


if __name__ == "__main__":
    main()
