"""Equivalent corpora for Doorstop, StrictDoc and sphinx-needs, and their timings.

The same shape as ``gen_cell.py`` (stories x 3 requirements x 2 ACs, each
child linked to its parent) written in each tool's own format:

* Doorstop: three documents (US, REQ, AC) of one YAML file per item, children
  linking their parent; timed: ``doorstop`` (validate the tree);
* StrictDoc: one ``.sdoc`` document with parent relations; timed: ``strictdoc
  export --formats json`` and ``--formats html``;
* sphinx-needs: one ``.rst`` page per story of ``req``/``spec``/``test`` needs
  with ``:links:``; timed: ``sphinx-build -b needs`` (needs.json) and ``-b html``.

The tools are installed from PyPI into ``bench/.venv-competitors``; a tool that
cannot be installed is skipped with a message.  Optional: ``bench/run.py
--competitors``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

PACKAGES = {"doorstop": "doorstop", "strictdoc": "strictdoc", "sphinx-needs": "sphinx sphinx-needs"}


def _venv(here: Path) -> Path | None:
    venv = here / ".venv-competitors"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv / "bin"


def _installed(bin_dir: Path, tool: str) -> str | None:
    """None when ``tool`` is usable, else why not (after one install attempt)."""
    exe = {"doorstop": "doorstop", "strictdoc": "strictdoc", "sphinx-needs": "sphinx-build"}[tool]
    if (bin_dir / exe).exists():
        return None
    done = subprocess.run([str(bin_dir / "pip"), "install", "-q", *PACKAGES[tool].split()], capture_output=True,
                          text=True)
    if done.returncode != 0 or not (bin_dir / exe).exists():
        return (done.stderr.strip().splitlines() or ["not installable"])[-1]
    return None


def _shape(items: int) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    from gen_cell import stories_for

    out = []
    for s in range(1, stories_for(items) + 1):
        reqs = [(f"{s:04d}{r}", [f"{s:04d}{r}{a}" for a in range(1, 3)]) for r in range(1, 4)]
        out.append((f"{s:04d}", reqs))
    return out


def doorstop_corpus(root: Path, items: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    docs = {"US": (None, root / "reqs" / "us"), "REQ": ("US", root / "reqs" / "req"),
            "AC": ("REQ", root / "reqs" / "ac")}
    for prefix, (parent, path) in docs.items():
        path.mkdir(parents=True)
        settings = f"settings:\n  digits: 5\n  prefix: {prefix}\n  sep: ''\n"
        if parent:
            settings += f"  parent: {parent}\n"
        (path / ".doorstop.yml").write_text(settings)

    def item(path: Path, uid: str, text: str, level: str, parent: str | None) -> None:
        links = f"links:\n- {parent}: null\n" if parent else "links: []\n"
        path.joinpath(f"{uid}.yml").write_text(
            f"active: true\nderived: false\nheader: ''\nlevel: {level}\n{links}normative: true\nref: ''\n"
            f"reviewed: null\ntext: |\n  {text}\n")

    n = {"US": 0, "REQ": 0, "AC": 0}
    for s, reqs in _shape(items):
        n["US"] += 1
        us = f"US{n['US']:05d}"
        item(docs["US"][1], us, f"Story {s} of the synthetic cell", f"{n['US']}", None)
        for _, acs in reqs:
            n["REQ"] += 1
            req = f"REQ{n['REQ']:05d}"
            item(docs["REQ"][1], req, f"Requirement {req} of story {s}", f"{n['REQ']}", us)
            for _ in acs:
                n["AC"] += 1
                ac = f"AC{n['AC']:05d}"
                item(docs["AC"][1], ac, "When the user does the thing, the system answers within the limit.",
                     f"{n['AC']}", req)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


def strictdoc_corpus(root: Path, items: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    out = ["[DOCUMENT]", "TITLE: Synthetic cell", ""]

    def req(uid: str, title: str, statement: str, parent: str | None) -> None:
        out.extend(["[REQUIREMENT]", f"UID: {uid}", f"TITLE: {title}", f"STATEMENT: {statement}"])
        if parent:
            out.extend(["RELATIONS:", "- TYPE: Parent", f"  VALUE: {parent}"])
        out.append("")

    for s, reqs in _shape(items):
        req(f"US-{s}", f"Story {s}", "Stories exist so that the benchmark has realistic text.", None)
        for r, acs in reqs:
            req(f"REQ-{r}", f"Requirement {r}", f"Requirement {r} of story {s}.", f"US-{s}")
            for a in acs:
                req(f"AC-{a}", f"AC {a}", "When the user does the thing, the system answers within the limit.",
                    f"REQ-{r}")
    (root / "cell.sdoc").write_text("\n".join(out))


def sphinx_corpus(root: Path, items: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "conf.py").write_text("project = 'cell'\nextensions = ['sphinx_needs']\n"
                                  "needs_build_json = True\nhtml_theme = 'alabaster'\n")
    pages = []
    for s, reqs in _shape(items):
        lines = [f"Story {s}", "=" * (6 + len(s)), "", f".. req:: Story {s}", f"   :id: US_{s}", "",
                 "   Stories exist so that the benchmark has realistic text.", ""]
        for r, acs in reqs:
            lines += [f".. spec:: Requirement {r}", f"   :id: REQ_{r}", f"   :links: US_{s}", "",
                      f"   Requirement {r} of story {s}.", ""]
            for a in acs:
                lines += [f".. test:: AC {a}", f"   :id: AC_{a}", f"   :links: REQ_{r}", "",
                          "   When the user does the thing, the system answers within the limit.", ""]
        (root / f"story_{s}.rst").write_text("\n".join(lines))
        pages.append(f"   story_{s}")
    (root / "index.rst").write_text("Cell\n====\n\n.. toctree::\n   :maxdepth: 1\n\n" + "\n".join(pages) + "\n")


def _fresh(root: Path) -> None:
    """Remove what an earlier run of a tool left in its corpus: each run is a first run (StrictDoc
    exports into an existing output directory in a fraction of the time; Sphinx reuses its doctrees)."""
    for out in ("out-json", "out-html", "_build"):
        shutil.rmtree(root / out, ignore_errors=True)


def run_competitors(here: Path, sizes: list[int], repeat: int, check: dict[int, Any],
                    only: list[str] | None = None, ours: dict[int, tuple[list[str], Path]] | None = None) -> list[str]:
    """Markdown lines: each tool's timings per size and its ratio to ``govcell check``.

    Every tool: one run per figure, against ``check`` (govcell's cold median of the main run).  With
    ``only`` (a few chosen commands) and ``ours`` (size -> the argv and cell of ``govcell check``):
    ``repeat`` runs of each, each followed by a cold ``govcell check`` on the same size, and the ratio
    is of those two medians, so that both see the same neighbours on a shared machine (the main
    run's govcell figure is measured minutes before the tools).
    """
    from run import Sample, fmt, measure

    bin_dir = _venv(here)
    assert bin_dir is not None
    paired = bool(only and ours)
    how = (f"{repeat} runs per figure, each followed by a cold `govcell check` on the same size; ratio = the "
           "tool's median / the median of those `govcell check` runs" if paired else
           "One run per figure (they take up to minutes). Ratio = the tool's time / `govcell check`'s median "
           "on the same size")
    lines = ["Same story/requirement/AC graph in each tool's format (`bench/competitors.py`); tools from PyPI in "
             f"`bench/.venv-competitors`. {how} "
             "(govcell's figure also covers features, tasks, policies, bundles and the graph).", "",
             "| tool and command | " + " | ".join(f"{n} items median | ratio" for n in sizes) + " |",
             "|---|" + "---:|---:|" * len(sizes)]
    skipped = []
    jobs: list[tuple[str, str, Any, list[str], str]] = [
        ("doorstop", "`doorstop` (validate)", doorstop_corpus, ["doorstop"], "doorstop"),
        ("strictdoc", "`strictdoc export --formats json`", strictdoc_corpus,
         ["strictdoc", "export", "--formats", "json", "--output-dir", "out-json", "."], "strictdoc"),
        ("strictdoc", "`strictdoc export --formats html`", strictdoc_corpus,
         ["strictdoc", "export", "--formats", "html", "--output-dir", "out-html", "."], "strictdoc"),
        ("sphinx-needs", "`sphinx-build -b needs` (needs.json)", sphinx_corpus,
         ["sphinx-build", "-q", "-b", "needs", ".", "_build/needs"], "sphinx"),
        ("sphinx-needs", "`sphinx-build -b html`", sphinx_corpus,
         ["sphinx-build", "-q", "-b", "html", ".", "_build/html"], "sphinx"),
    ]
    made: set[tuple[str, int]] = set()
    fastest: dict[int, tuple[float, str, float]] = {}
    if only:
        jobs = [j for j in jobs if any(o in f"{j[0]}: {j[1]}" for o in only)]
    for tool, label, corpus, argv, kind in jobs:
        why = _installed(bin_dir, tool)
        if why:
            skipped.append(f"{tool} skipped: cannot install it ({why})")
            continue
        row = f"| {tool}: {label} |"
        for n in sizes:
            root = here / "cells" / f"{kind}-{n}"
            if (kind, n) not in made:
                corpus(root, n)
                made.add((kind, n))
            print(f"  {n} items: {tool} {label}", file=sys.stderr)
            tool_argv = [str(bin_dir / argv[0]), *argv[1:]]
            if paired and ours and n in ours:
                s, base = Sample(), Sample()
                for _ in range(repeat):
                    _fresh(root)
                    s.extend(measure(tool_argv, root, 1))
                    base.extend(measure(ours[n][0], ours[n][1], 1, "cold"))
            else:
                _fresh(root)
                s, base = measure(tool_argv, root, 1), check.get(n)  # one run: they take up to minutes
            bad = "" if set(s.codes) <= {0} else f" (exit {max(s.codes)})"
            ratio = s.median / base.median if base is not None else float("nan")
            row += f" {fmt(s.median)}{bad} | {ratio:.1f}× |"
            if base is not None and not bad and (n not in fastest or s.median < fastest[n][0]):
                fastest[n] = (s.median, f"{tool}: {label}", base.median)
        lines.append(row)
    if fastest:
        lines += [""] + [f"- {n} items: the fastest established tool is {name} at {fmt(t)} s, "
                         f"{t / ours_median:.1f}× `govcell check`'s cold median ({fmt(ours_median)} s"
                         f"{', in the runs alternating with it' if paired else ''})"
                         for n, (t, name, ours_median) in sorted(fastest.items())]
    if skipped:
        lines += [""] + [f"- {s}" for s in skipped]
    return lines
