"""Time ``govcell site build`` on this repository and on synthetic cells.

    python bench/site_build.py [--sizes 200,800] [--repeat 1]

Each size N is a cell of N stories x 3 requirements x 2 ACs (N=200 is the
2,000-item cell, N=800 the 8,000-item one), generated under bench/cells/.
Every build runs in a fresh process, as a user's would.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen_cell import generate  # noqa: E402


def timed_build(root: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "govcell.cli.main", "site", "build", "--root", str(root), "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,800", help="story counts (x6 ledger items each, +1 per story)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    out = HERE / "out"
    rows = [("this repository", ROOT)]
    for n in (int(x) for x in args.sizes.split(",") if x):
        cell = HERE / "cells" / f"site-{n}"
        items = generate(cell, n)["items"]
        rows.append((f"{items} items ({n} stories)", cell))
    for label, root in rows:
        times = [timed_build(root, out / root.name) for _ in range(args.repeat)]
        pages = sum(1 for _ in (out / root.name).rglob("index.html"))
        print(f"{label:32s} {min(times):6.2f} s  ({pages} pages)")


if __name__ == "__main__":
    main()
