"""Time ``govcell diff`` and ``govcell check --new-since`` between two commits of a synthetic cell.

    python bench/diff_bench.py [--items 2000] [--repeat 5]

The cell comes from ``bench/gen_cell.py`` (one commit); a second commit makes a
pull request's worth of change: ten AC texts rewritten, one AC renamed (its
scenario tag too), one story added with an uncovered AC.  Each command runs in a
fresh process; wall min / median, CPU (user + sys of the command and every
process it started) median.  *Cold*: the shared cache (``.git/govcell``) is
removed before each run, so nothing is known (neither parsed files nor the
summaries of the two commits); *first*: the cache is removed and ``govcell check``
run (untimed) before each run, as the pre-commit hooks leave it (the working
tree's files parsed, no commit summarised); *warm*: the runs after a first one,
which find the commits' summaries kept (``govcell.derive.diff_side``).  Figures are printed
as Markdown rows for ``docs/benchmarks.md``; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from gen_cell import git  # noqa: E402


def make_cell(items: int) -> Path:
    cell = HERE / "cells" / f"diff-{items}"
    subprocess.run([sys.executable, str(HERE / "gen_cell.py"), str(cell), "--items", str(items)], check=True,
                   capture_output=True)
    ledger = cell / "specs/spec_ledger.yaml"
    text = ledger.read_text()
    text = re.sub(r"(id: AC-B00(0[1-9]|10)-101\n            text: When the user does thing 1)",
                  r"\1 twice", text)
    text = text.replace("AC-B0002-201", "AC-B0002-291")
    text += ("  - id: US-NEW\n    title: A new story\n    requirements:\n      - id: REQ-NEW-1\n"
             "        title: New\n        acceptance_criteria:\n          - id: AC-NEW-001\n"
             "            text: Something new holds\n")
    ledger.write_text(text)
    feature = cell / "specs/features/story_0002.feature"
    feature.write_text(feature.read_text().replace("AC-B0002-201", "AC-B0002-291"))
    git(cell, "commit", "-qam", "change")
    return cell


def _quiet(argv: list[str], cwd: Path) -> None:
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def measure(argv: list[str], cwd: Path, repeat: int, *, mode: str) -> tuple[float, float, float]:
    walls, cpus = [], []
    if mode == "warm":
        _quiet(argv, cwd)
    for _ in range(repeat):
        if mode != "warm":
            shutil.rmtree(cwd / ".git/govcell", ignore_errors=True)
        if mode == "first":
            _quiet([str(BIN / "govcell"), "check"], cwd)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cell = make_cell(args.items)
    govcell = str(BIN / "govcell")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| command | cache | min | median | CPU |\n|---|---|---:|---:|---:|")
    for label, argv in (("govcell diff HEAD~1 HEAD", [govcell, "diff", "HEAD~1", "HEAD"]),
                        ("govcell diff HEAD~1 HEAD --format json", [govcell, "diff", "HEAD~1", "HEAD",
                                                                    "--format", "json"]),
                        ("govcell check --new-since HEAD~1", [govcell, "check", "--new-since", "HEAD~1"]),
                        ("govcell check", [govcell, "check"])):
        for mode in ("cold", "first", "warm"):
            lo, med, cpu = measure(argv, cell, args.repeat, mode=mode)
            print(f"| `{label}` ({args.items} items) | {mode} | {lo:.2f} | {med:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
