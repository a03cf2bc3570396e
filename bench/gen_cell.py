"""Generate a synthetic governed cell for benchmarks (the one generator every bench script uses).

    python bench/gen_cell.py OUT [--stories 200] [--reqs 3] [--acs 2] [--bare]
    python bench/gen_cell.py OUT --items 8000

200 stories x 3 requirements x 2 ACs is the 2,000-item cell of docs/benchmarks.md
(200 + 600 + 1,200 ledger items); 800 stories make the 8,000-item cell.  The
cell has what a governed repository holds, in proportion to its ledger:

* one feature file per story (a Rule per requirement, a scenario per AC, every
  fifth AC proven by a Scenario Outline with Examples, a Background), and one
  unit-test mapping per AC (``tests/test_b.py``); every tenth AC is a non-kernel
  AC proven only by a CI job (a *meta* AC);
* one task per requirement in ``specs/tasks.yaml`` (chained by ``depends_on``
  inside a story, a third of them done);
* one ADR per ten stories under ``docs/adr/`` (each story references its ADR);
* a fixed set of devex commands and flows, three Rego policies with good and bad
  fixtures (one of them evaluated on the whole ledger as a target);
* one context bundle per twenty stories in ``.llm/contextpack.yaml``;
* ``docs/feature_status.md``, rendered with govcell when it is importable;
* and it is a git repository with one commit (bundles carry tracked files only).

With ``--bare`` only the ledger and feature files are written (the minimal cell
the site benchmarks started from).  Output is deterministic: the same arguments
give the same bytes.  The cell passes every govcell check (tests/test_bench.py).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

#: Ledger items per story with the default shape (1 story + 3 requirements + 6 ACs).
ITEMS_PER_STORY = 10

POLICIES = {
    "ledger_rules": '''package bench

import rego.v1

# Every kernel AC of the ledger must be proven by at least one test mapping.
deny contains msg if {
\tsome si, ri, ai
\tac := input.stories[si].requirements[ri].acceptance_criteria[ai]
\tnot ac.must_have_ac == false
\tcount(object.get(ac, "tests", [])) == 0
\tmsg := {"msg": sprintf("kernel AC %s has no test mapping", [ac.id]),
\t\t"loc": ["stories", si, "requirements", ri, "acceptance_criteria", ai, "id"]}
}
''',
    "flags": '''package bench

import rego.v1

# Feature flags need an owner and an expiry date.
deny contains msg if {
\tsome name
\tflag := input.flags[name]
\tnot flag.owner
\tmsg := sprintf("flag %s has no owner", [name])
}

warn contains msg if {
\tsome name
\tflag := input.flags[name]
\tnot flag.expires
\tmsg := sprintf("flag %s never expires", [name])
}
''',
    "k8s": '''package bench

import rego.v1

# Containers never run as root and always declare resource limits.
deny contains msg if {
\tinput.kind == "Deployment"
\tsome c in input.spec.template.spec.containers
\tnot c.securityContext.runAsNonRoot
\tmsg := sprintf("container %s may run as root", [c.name])
}

deny contains msg if {
\tinput.kind == "Deployment"
\tsome c in input.spec.template.spec.containers
\tnot c.resources.limits
\tmsg := sprintf("container %s has no resource limits", [c.name])
}
''',
}

FIXTURES = {
    "ledger_rules_valid.yaml": "stories:\n  - id: US-X-1\n    requirements:\n      - id: REQ-X-1\n"
                               "        acceptance_criteria:\n          - id: AC-X-1\n"
                               "            tests: [{type: unit}]\n",
    "ledger_rules_untested.yaml": "stories:\n  - id: US-X-1\n    requirements:\n      - id: REQ-X-1\n"
                                  "        acceptance_criteria:\n          - id: AC-X-1\n            tests: []\n",
    "flags_valid.yaml": "flags:\n  new_checkout: {owner: team-pay, expires: '2030-01-01'}\n",
    "flags_ownerless.yaml": "flags:\n  new_checkout: {description: nobody owns it}\n",
    "k8s_valid.yaml": "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
                      "          securityContext: {runAsNonRoot: true}\n          resources: {limits: {cpu: '1'}}\n",
    "k8s_root.yaml": "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
                     "          resources: {limits: {cpu: '1'}}\n",
    "k8s_no_limits.yaml": "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
                          "          securityContext: {runAsNonRoot: true}\n",
}

CONFIG = """# Synthetic benchmark cell (bench/gen_cell.py).
policy:
  namespaces: [bench]
  targets:
    ledger_rules: [ledger]
"""

FLOWS = """metadata: {owner: devex}
commands:
  install: {run: make install, description: create the virtualenv, required: true}
  lint: {run: make lint, description: static checks, required: true}
  test: {run: make test, description: the whole test suite, required: true}
  test-fast: {run: make test-fast, description: unit tests only}
  bench: {run: make bench, description: benchmarks}
  build: {run: make build, description: build the artefacts, required: true}
  release: {run: make release, description: publish a release}
  docs: {run: make docs, description: build the documentation site}
flows:
  onboarding: {description: first day, steps: [install, lint, test-fast]}
  ci: {description: every push, steps: [install, lint, test, build]}
  release: {description: cut a release, steps: [install, test, build, docs, release]}
"""


def _sid(s: int) -> str:
    return f"{s:04d}"


def _story_ledger(s: int, reqs: int, acs: int, adr: str | None) -> list[str]:
    sid = _sid(s)
    out = [f"  - id: US-B{sid}", f"    title: Story {s} of the synthetic cell",
           f"    description: Stories exist so that the benchmark has realistic text, story {s}."]
    if adr:
        out.append(f"    adr: {adr}")
    out.append("    requirements:")
    for r in range(1, reqs + 1):
        rid = f"REQ-B{sid}-R{r}"
        out += [f"      - id: {rid}", f"        title: Requirement {r} of story {s}",
                "        tags: [bench]"]
        if r == 1:
            out.append("        docs: [docs/guide.md]")
        out.append("        acceptance_criteria:")
        for a in range(1, acs + 1):
            aid = f"AC-B{sid}-{r}{a:02d}"
            n = ((s - 1) * reqs + (r - 1)) * acs + a
            out += [f"          - id: {aid}",
                    f"            text: When the user does thing {a} of requirement {r}, the system answers "
                    "within the limit."]
            if n % 10 == 0:
                out += ["            must_have_ac: false",
                        "            tests:",
                        f"              - {{type: ci, tag: nightly-{aid.lower()}, command: make nightly}}"]
                continue
            out += ["            tests:",
                    f'              - {{type: bdd, tag: "@{aid}", file: specs/features/story_{sid}.feature}}',
                    f"              - {{type: unit, tag: test_{aid.lower().replace('-', '_')}, file: tests/test_b.py}}"]
    return out


def _story_feature(s: int, reqs: int, acs: int) -> str:
    sid = _sid(s)
    lines = [f"@story-{sid}", f"Feature: Story {s}", f"  Everything story {s} promises.", "",
             "  Background:", "    Given a fresh system", ""]
    for r in range(1, reqs + 1):
        lines += [f"  Rule: Requirement {r} of story {s}", ""]
        for a in range(1, acs + 1):
            aid = f"AC-B{sid}-{r}{a:02d}"
            n = ((s - 1) * reqs + (r - 1)) * acs + a
            if n % 10 == 0:
                continue  # a meta AC: proven by CI only
            if n % 5 == 0:
                lines += [f"    @{aid}", f"    Scenario Outline: Thing {a} of requirement {r} for <who>",
                          "      Given <who> is ready", f"      When <who> does thing {a}",
                          "      Then the system answers within the limit", "", "      Examples:",
                          "        | who   |", "        | alice |", "        | bob   |", "        | carol |", ""]
            else:
                lines += [f"    @{aid}", f"    Scenario: Thing {a} of requirement {r}",
                          f"      Given the user is ready for thing {a}", f"      When the user does thing {a}",
                          "      Then the system answers within the limit", ""]
    return "\n".join(lines)


def _tasks(stories: int, reqs: int, acs: int) -> str:
    out = ["metadata: {source: synthetic}", "tasks:"]
    statuses = ("done", "in_progress", "todo")
    for s in range(1, stories + 1):
        sid = _sid(s)
        for r in range(1, reqs + 1):
            tid = f"T-{sid}-{r}"
            out += [f"  - id: {tid}", f"    title: Implement requirement {r} of story {s}",
                    f"    requirement: REQ-B{sid}-R{r}", f"    acs: [AC-B{sid}-{r}01]",
                    f"    status: {statuses[(r - 1) % 3] if r > 1 else 'done'}",
                    f"    priority: P{(s + r) % 4}"]
            if r > 1:
                out.append(f"    depends_on: [T-{sid}-{r - 1}]")
    return "\n".join(out) + "\n"


def _contextpack(stories: int) -> str:
    out = ["version: '1'", "tasks:"]
    for b in range(0, stories, 20):
        first, last = b + 1, min(b + 20, stories)
        prefix = _sid(first)[:-1]  # the ten feature files story_NNN0..9 around the first story
        out += [f"  story-{_sid(first)}:",
                f"    description: Context for stories {first} to {last}",
                "    max_bytes: 400000",
                f"    include: ['specs/features/story_{prefix}*.feature', docs/guide.md]",
                f"    acs: [AC-B{_sid(first)}-101]",
                f"    requirements: [REQ-B{_sid(first)}-R1]",
                "    prompt: Work on these stories only."]
    return "\n".join(out) + "\n"


def generate(out: Path, stories: int = 200, reqs: int = 3, acs: int = 2, *, bare: bool = False,
             feature_status: bool = True) -> dict[str, int]:
    """Write the cell under ``out`` (replacing it) and return its counts."""
    if out.exists():
        shutil.rmtree(out)
    (out / "specs" / "features").mkdir(parents=True)
    ledger = ['metadata: {schema_version: "1.0", title: "Synthetic cell"}', "stories:"]
    adrs = 0 if bare else (stories + 9) // 10
    for s in range(1, stories + 1):
        adr = f"ADR-{(s - 1) // 10 + 1:04d}" if adrs else None
        ledger += _story_ledger(s, reqs, acs, adr)
        (out / "specs" / "features" / f"story_{_sid(s)}.feature").write_text(_story_feature(s, reqs, acs),
                                                                              encoding="utf-8")
    (out / "specs" / "spec_ledger.yaml").write_text("\n".join(ledger) + "\n", encoding="utf-8")
    counts = {"stories": stories, "requirements": stories * reqs, "acs": stories * reqs * acs,
              "items": stories + stories * reqs + stories * reqs * acs, "feature_files": stories}
    if bare:
        return counts
    _write(out / "tests" / "test_b.py", '"""Unit tests the synthetic ledger maps to (never run)."""\n')
    _write(out / "docs" / "guide.md", "# Guide\n\nHow the synthetic service works.\n")
    for i in range(1, adrs + 1):
        _write(out / "docs" / "adr" / f"{i:04d}-decision-{i}.md",
               f"# ADR-{i:04d}: Decision {i}\n\nStatus: accepted\n\n## Context\n\nStories {(i - 1) * 10 + 1} "
               f"to {i * 10} needed a decision.\n\n## Decision\n\nWe decided.\n")
    _write(out / "specs" / "tasks.yaml", _tasks(stories, reqs, acs))
    _write(out / "specs" / "devex_flows.yaml", FLOWS)
    _write(out / ".govcell.yaml", CONFIG)
    for name, text in POLICIES.items():
        _write(out / "policy" / f"{name}.rego", text)
    for name, text in FIXTURES.items():
        _write(out / "policy" / "testdata" / name, text)
    _write(out / ".llm" / "contextpack.yaml", _contextpack(stories))
    _write(out / ".llm" / ".llmignore", "*.secret\n.env\n")
    counts.update(tasks=stories * reqs, adrs=adrs, bundles=(stories + 19) // 20, policies=len(POLICIES),
                  fixtures=len(FIXTURES))
    if feature_status:
        _feature_status(out)
    _git_commit(out)
    return counts


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _feature_status(out: Path) -> None:
    """Commit-ready ``docs/feature_status.md`` (what the feature-status hook would write)."""
    try:
        from govcell.cell import Cell
        from govcell.derive.analysis import Analysis
        from govcell.derive.feature_status import render
    except ImportError:  # govcell not installed: the feature-status hook creates it on first run
        return
    cell = Cell(out)
    _write(out / "docs" / "feature_status.md", render(cell, Analysis(cell).coverage))


#: Who commits in a benchmark cell.
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def git(cwd: Path, *args: str) -> None:
    """``git ARGS`` in ``cwd`` as the benchmarks' committer (every bench script commits through here)."""
    import os
    import subprocess

    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_IDENTITY})


def _git_commit(out: Path) -> None:
    """Make the cell a git repository with one commit (bundles carry tracked files only)."""
    import os
    import subprocess

    env = {**os.environ, **GIT_IDENTITY,
           "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z"}
    try:
        for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                     ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "synthetic cell"]):
            subprocess.run(["git", *args], cwd=out, env=env, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"note: could not make {out} a git repository ({exc}); bundles will find no tracked files")


def stories_for(items: int, reqs: int = 3, acs: int = 2) -> int:
    """Stories giving (at least) ``items`` ledger items with the given shape."""
    per = 1 + reqs + reqs * acs
    return max(1, -(-items // per))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--reqs", type=int, default=3)
    parser.add_argument("--acs", type=int, default=2)
    parser.add_argument("--items", type=int, default=None, help="ledger items (overrides --stories)")
    parser.add_argument("--bare", action="store_true", help="only the ledger and feature files")
    args = parser.parse_args()
    stories = stories_for(args.items, args.reqs, args.acs) if args.items else args.stories
    print(generate(args.out, stories, args.reqs, args.acs, bare=args.bare))


if __name__ == "__main__":
    main()
