"""Before/after: the same commands from an older govcell checkout and from this one.

    git archive <old-commit> --prefix=govcell-before/ | tar -x -C /tmp
    python bench/compare.py /tmp/govcell-before [--repeat 5]

The older checkout runs with this virtualenv's dependencies (its ``hooks``
package is imported from the given directory, bypassing the editable install,
with the entry points of its own ``pyproject.toml``).  Each command runs
``--repeat`` times for the older checkout, then for this one with the cache of
parsed files off (cold) and filled (warm),
on the cells ``bench/run.py`` generated (``bench/cells/bench-2000`` and
``-8000``) and on this repository.  Prints Markdown rows: wall min / wall
median / CPU median (s) / peak RSS (MB).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import BIN, measure  # noqa: E402

TRAMPOLINE = """import importlib, sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, sys.argv[1])
mod, _, fn = sys.argv[2].partition(":")
sys.argv = sys.argv[2:]
m = importlib.import_module(mod)
assert m.__file__.startswith(sys.path[0]), m.__file__
raise SystemExit(getattr(m, fn)())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="directory of the older checkout")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    # The older checkout's own entry points (its import names may differ: `hooks.` before `govcell.`).
    old_scripts = tomllib.loads((args.before / "pyproject.toml").read_text())["project"]["scripts"]
    old = [str(BIN / "python"), "-c", TRAMPOLINE, str(args.before.resolve())]
    for tree in (args.before, ROOT):  # bytecode compiled for both, as pip compiles an installed wheel's
        subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(tree / "hooks"), str(tree / "site_gen")],
                       check=False, stdout=subprocess.DEVNULL)

    def row(label: str, new_argv: list[str], old_argv: list[str], cwd: Path) -> None:
        b = measure(old_argv, cwd, args.repeat)
        cold, warm = measure(new_argv, cwd, args.repeat, "cold"), measure(new_argv, cwd, args.repeat, "warm")
        cell = lambda s: f"{s.min:.2f} / {s.median:.2f} / {s.cpu_median:.2f} / {s.peak_mb:.0f}"  # noqa: E731
        print(f"| {label} | {cell(b)} | {cell(cold)} | {cell(warm)} |", flush=True)

    print("| command | before | after, cold | after, warm |\n|---|---|---|---|")
    for size in ("2000", "8000"):
        cell = HERE / "cells" / f"bench-{size}"
        if cell.is_dir():
            row(f"`govcell check`, {size} items", [str(BIN / "govcell"), "check"],
                old + [old_scripts["govcell"], "check"], cell)
    for name, entry in old_scripts.items():
        if name.startswith("govcell-") and name != "govcell-governance-selftest" and name in scripts:
            row(f"`{name}`, this repository", [str(BIN / name)], old + [entry], ROOT)


if __name__ == "__main__":
    main()
