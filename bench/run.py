"""Benchmark runner: wall time and peak memory of govcell's commands on synthetic cells.

    python bench/run.py [--sizes 2000,8000] [--repeat 5] [--competitors] [--write-doc]

For each size, ``bench/gen_cell.py`` generates a governed cell under
``bench/cells/`` (a git repository that passes every check), and every command
runs ``--repeat`` times in a fresh process, as pre-commit runs it: ``govcell
check`` (all checks), each single-check hook (``govcell-<id>``), ``govcell status
--json``, ``govcell site build``, and one whole ``pre-commit run --all-files`` of
the seven commit hooks.  The hooks (and ``pre-commit run --all-files``) also run on
this repository.  The minimum and median wall time, the median CPU time and the
peak resident memory (``ru_maxrss`` of the child) are reported, with the 8k/2k
ratio of the medians (linear growth is a ratio of at most 4; start-up cost makes
it smaller).

Every command is measured three times over: **cold**, with the shared cache
off (``GOVCELL_NO_CACHE=1``: every run parses every file, as the first run after
an edit of every file would); **warm**, after one unmeasured run filled the cache
(``.git/govcell/cache``) with nothing changed since (a hook replays its answer,
``govcell.entry.replay``); and **changed**, warm but with a file no check reads
rewritten before each run (a commit of code only: parsed files are reused, no
answer is replayed).

With ``--competitors``, Doorstop, StrictDoc and sphinx-needs are installed
from PyPI into ``bench/.venv-competitors`` (skipped with a message where that
fails) and run on equivalent corpora (``bench/competitors.py``), with their
ratio to ``govcell check``.

The report is printed as Markdown and written to ``bench/out/results.md``;
``--write-doc`` also replaces the generated block of ``docs/benchmarks.md``.
Timings are never asserted anywhere: they depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen_cell import ITEMS_PER_STORY, git, stories_for  # noqa: E402

BIN = Path(sys.executable).parent
BEGIN, END = "<!-- bench:results -->", "<!-- /bench:results -->"


class Sample:
    """One command's repeated runs: wall seconds, CPU seconds, peak RSS in KiB, exit codes."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.rss: list[int] = []
        self.codes: list[int] = []

    @property
    def min(self) -> float:
        return min(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak_mb(self) -> float:
        return max(self.rss) / 1024

    def extend(self, other: Sample) -> None:
        """Add ``other``'s runs to these (runs of the same command measured in turns with another)."""
        self.wall += other.wall
        self.cpu += other.cpu
        self.rss += other.rss
        self.codes += other.codes


#: The cache states every command is measured in (see the module docstring).
MODES = ("cold", "warm", "changed")
#: The file the ``changed`` mode rewrites before each run: untracked, named by no config, read by no check.
TOUCHED = "bench-touched.txt"


def mode_env(mode: str) -> dict[str, str]:
    """The environment of a measured run: the cache off (cold) or on (warm); this checkout's scripts first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOVCELL_NO_CACHE", "GOVCELL_CACHE_DIR")}
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    if mode == "cold":
        env["GOVCELL_NO_CACHE"] = "1"
    return env


def measure(argv: list[str], cwd: Path, repeat: int, mode: str = "cold") -> Sample:
    """Run ``argv`` ``repeat`` times; each run's own rusage comes from ``os.wait4``.

    Warm: one unmeasured run first, so the cache holds what this command parses.
    """
    sample = Sample()
    env = mode_env(mode)
    if mode != "cold":
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for i in range(repeat):
        if mode == "changed":
            (cwd / TOUCHED).write_text(f"change {time.time_ns()} {i}\n", encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        sample.wall.append(time.perf_counter() - start)
        sample.cpu.append(usage.ru_utime + usage.ru_stime)
        sample.rss.append(usage.ru_maxrss)
        sample.codes.append(os.waitstatus_to_exitcode(status))
        proc.returncode = sample.codes[-1]
    (cwd / TOUCHED).unlink(missing_ok=True)
    return sample


def checks() -> list[str]:
    from govcell.checks import CHECKS

    return list(CHECKS)


def has_site() -> bool:
    return subprocess.run([str(BIN / "govcell"), "site", "build", "--help"], capture_output=True).returncode == 0


#: The hooks of a commit (``.pre-commit-hooks.yaml`` minus the manual-stage selftest and site).
COMMIT_HOOKS = ("spec-ledger", "context-bundles", "policy-test", "governance-graph", "ac-tags", "feature-status",
                "test-results")
PRE_COMMIT = "pre-commit run --all-files"


def pre_commit() -> str | None:
    found = BIN / "pre-commit"
    return str(found) if found.exists() else shutil.which("pre-commit")


def add_pre_commit_config(cell: Path) -> None:
    """Give a generated cell the seven commit hooks as ``repo: local`` hooks of this checkout, committed
    (pre-commit refuses to run with an unstaged config)."""
    lines = ["repos:", "  - repo: local", "    hooks:"]
    for name in COMMIT_HOOKS:
        lines += [f"      - id: {name}", f"        name: govcell {name}", f"        entry: {BIN / ('govcell-' + name)}",
                  "        language: system", "        pass_filenames: false", "        require_serial: true",
                  "        always_run: true"]
    (cell / ".pre-commit-config.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    git(cell, "add", ".pre-commit-config.yaml")
    git(cell, "commit", "-qm", "pre-commit hooks")


def commands(cell: Path, out: Path, *, site: bool = True) -> list[tuple[str, list[str]]]:
    cmds = [("govcell check", [str(BIN / "govcell"), "check"])]
    cmds += [(f"govcell-{name}", [str(BIN / f"govcell-{name}")]) for name in checks()]
    cmds.append(("govcell status --json", [str(BIN / "govcell"), "status", "--json"]))
    tool = pre_commit()
    if tool and (cell / ".pre-commit-config.yaml").is_file():
        cmds.append((PRE_COMMIT, [tool, "run", "--all-files"]))
    if site and has_site():
        cmds.append(("govcell site build", [str(BIN / "govcell"), "site", "build", "--out", str(out)]))
    return cmds


def machine() -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = "?"
    from govcell import __version__

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return [f"- CPU: {cpu or platform.processor() or '?'}, {os.cpu_count()} logical cores; memory {mem}",
            f"- OS: {platform.system()} {platform.release()}; Python {platform.python_version()}",
            f"- govcell {__version__} at commit {commit or '?'}",
            f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]


def fmt(x: float) -> str:
    return f"{x:.2f}"


def _table(names: list[str], cells: list[tuple[str, Path, int]], results: dict[tuple[str, str], Sample]) -> list[str]:
    head = "| command |" + "".join(f" {label} min | median | CPU | RSS MB |" for label, _, _ in cells)
    if len(cells) == 2:
        head += " growth (median ratio) |"
    lines = [head, "|---|" + "---:|" * (4 * len(cells) + (1 if len(cells) == 2 else 0))]
    for name in names:
        row = f"| `{name}` |"
        for label, _, _ in cells:
            s = results.get((label, name))
            if s is None:
                row += " – | – | – | – |"
                continue
            bad = "" if all(c in (0, 1) for c in s.codes) else " (crashed)"
            row += f" {fmt(s.min)}{bad} | {fmt(s.median)} | {fmt(s.cpu_median)} | {s.peak_mb:.0f} |"
        if len(cells) == 2:
            a, b = results.get((cells[0][0], name)), results.get((cells[1][0], name))
            row += f" {b.median / a.median:.1f}× |" if a and b else " – |"
        lines.append(row)
    return lines


def _small_table(results: dict[str, Sample], label: str) -> list[str]:
    lines = [f"| {label} | min | median | CPU | RSS MB |", "|---|---:|---:|---:|---:|"]
    for name, s in results.items():
        lines.append(f"| `{name}` | {fmt(s.min)} | {fmt(s.median)} | {fmt(s.cpu_median)} | {s.peak_mb:.0f} |")
    return lines


def run(sizes: list[int], repeat: int, competitors: bool, *, site: bool = True, modes: tuple[str, ...] = MODES,
        tools: list[str] | None = None) -> str:
    cells: list[tuple[str, Path, int]] = []
    for items in sizes:
        cell = HERE / "cells" / f"bench-{items}"
        # In a child process: Linux keeps a process's peak RSS across fork and exec, so every
        # command this runner starts would inherit the runner's own peak if it grew here.
        subprocess.run([sys.executable, str(HERE / "gen_cell.py"), str(cell), "--items", str(items)], check=True,
                       stdout=subprocess.DEVNULL)
        if pre_commit():
            add_pre_commit_config(cell)
        total = stories_for(items) * ITEMS_PER_STORY
        cells.append((f"{total} items", cell, total))
    load_start = os.getloadavg()
    results: dict[str, dict[tuple[str, str], Sample]] = {m: {} for m in modes}
    names: list[str] = []
    for label, cell, _ in cells:
        for name, argv in commands(cell, HERE / "out" / f"site-{cell.name}", site=site):
            if name not in names:
                names.append(name)
            for mode in modes:
                print(f"  {label}: {name} ({mode})", file=sys.stderr)
                results[mode][(label, name)] = measure(argv, cell, repeat, mode)
    repo: dict[str, dict[str, Sample]] = {m: {} for m in modes}
    repo_cmds = [(f"govcell-{name}", [str(BIN / f"govcell-{name}")]) for name in checks()]
    if pre_commit():
        repo_cmds.append((PRE_COMMIT, [str(pre_commit()), "run", "--all-files"]))
    for name, argv in repo_cmds:
        for mode in modes:
            print(f"  this repository: {name} ({mode})", file=sys.stderr)
            repo[mode][name] = measure(argv, ROOT, repeat, mode)
    reference = reference_cell(HERE / "cells" / "reference")
    ref_results: dict[str, Sample] = {}
    if reference is not None:
        for name, argv in commands(reference, HERE / "out" / "site-reference", site=site):
            if name == PRE_COMMIT:
                continue  # its config names govcell's published repository, not this checkout
            print(f"  reference cell: {name}", file=sys.stderr)
            ref_results[name] = measure(argv, reference, repeat, "cold")

    lines = ["## Machine", ""] + machine() + [
        f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"(at the start of the measurements: {' '.join(f'{x:.2f}' for x in load_start)})",
        f"- every figure: {repeat} runs, each in a fresh process; wall time min / median, CPU (user+sys) median, "
        "peak RSS (max over the runs)",
        "- this machine's 2 cores are shared with other engineers' processes: the minimum is the figure closest "
        "to an idle machine, the median shows the noise",
        "- **cold**: the cache off (`GOVCELL_NO_CACHE=1`), every file parsed; **warm**: after one "
        "unmeasured run filled the cache (`.git/govcell/cache`) and nothing changed since: a hook replays its "
        "answer; **changed**: warm, but before each run one file no check reads was changed (an untracked "
        f"`{TOUCHED}`), as at a commit of code only: no answer is replayed, every parsed file is reused, and in "
        "`pre-commit run` the first single-check hook answers for the other five",
        f"- `{PRE_COMMIT}`: the seven commit hooks ({', '.join(COMMIT_HOOKS)}) in one pre-commit run, "
        "pre-commit's own start included",
        "", "## govcell on synthetic cells", "",
        "Command: `" + " ".join(["python", "bench/run.py", "--sizes", ",".join(map(str, sizes)), "--repeat",
                                 str(repeat)]) + "` (`make bench`)", ""]
    for mode in modes:
        lines += [f"### {mode.capitalize()}", ""] + _table(names, cells, results[mode]) + [""]
    failing = [f"{name} on {label} ({mode})" for mode in modes for (label, name), s in results[mode].items()
               if set(s.codes) - {0}]
    if failing:
        lines += ["Exited non-zero (findings on the synthetic cell; a benchmark bug): " + ", ".join(failing), ""]
    lines += ["## Single-check hooks on this repository", ""]
    for mode in modes:
        lines += _small_table(repo[mode], f"hook ({mode})") + [""]
    if ref_results:
        lines += ["## The reference cell (the Rust template, after `govcell init`)", "",
                  f"`{REFERENCE.name}` unpacked, committed and adopted with `govcell init`; findings are the "
                  "template's own (exit 1 is expected). Cold.", ""] + _small_table(ref_results, "command") + [""]
    if competitors:
        from competitors import run_competitors

        lines += ["## Established tools on equivalent corpora", ""]
        check = {items: results["cold"][(label, "govcell check")] for label, _, items in cells}
        ours = {items: (dict(commands(cell, HERE / "out" / f"site-{cell.name}", site=False))["govcell check"], cell)
                for _, cell, items in cells}
        lines += run_competitors(HERE, [c[2] for c in cells], repeat, check, tools, ours)
    return "\n".join(lines).rstrip("\n") + "\n"


#: The public Rust template govcell descends from, beside the checkout (absent: the section is left out).
REFERENCE = ROOT.parent / "shared" / "reference-cells" / "rust-template-3debe49.tar.gz"


def reference_cell(dest: Path) -> Path | None:
    """The reference cell unpacked under ``dest``, committed and adopted with ``govcell init``."""
    import tarfile

    if not REFERENCE.is_file():
        print(f"  (no reference cell at {REFERENCE}: left out)", file=sys.stderr)
        return None
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with tarfile.open(REFERENCE) as tar:
        tar.extractall(dest, filter="data")
    (root,) = [p for p in dest.iterdir() if p.is_dir()]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "reference"]):
        git(root, *args)
    subprocess.run([str(BIN / "govcell"), "init"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    return root


def write_doc(text: str) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    current = doc.read_text(encoding="utf-8")
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{doc} has no {BEGIN} ... {END} block")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(head + BEGIN + "\n" + text + END + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,8000", help="ledger items per cell, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--competitors", action="store_true", help="also time Doorstop, StrictDoc, sphinx-needs")
    parser.add_argument("--write-doc", action="store_true", help="update the generated block of docs/benchmarks.md")
    parser.add_argument("--no-site", dest="site", action="store_false", help="leave out `govcell site build`")
    parser.add_argument("--tool", action="append", default=None, metavar="TEXT",
                        help="with --competitors, only the tools and commands whose label contains TEXT "
                             "(repeatable; e.g. 'formats json' for StrictDoc's JSON export)")
    parser.add_argument("--modes", default=",".join(MODES), help="cache states measured: cold, warm, changed")
    args = parser.parse_args()
    if shutil.which("git") is None:
        raise SystemExit("bench needs git (bundles carry tracked files only)")
    modes = tuple(m for m in args.modes.split(",") if m in MODES) or MODES
    # An installed wheel's bytecode is compiled by pip; this checkout's, once here, so no measured process
    # compiles govcell's ~40 modules again (it would, every time, under PYTHONDONTWRITEBYTECODE).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "hooks"), str(ROOT / "site_gen")],
                   check=False, stdout=subprocess.DEVNULL)
    if args.competitors and "cold" not in modes:
        modes = ("cold", *modes)
    text = run([int(s) for s in args.sizes.split(",") if s], args.repeat, args.competitors, site=args.site,
               modes=modes, tools=args.tool)
    out = HERE / "out" / "results.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    if args.write_doc:
        write_doc(text)


if __name__ == "__main__":
    main()
