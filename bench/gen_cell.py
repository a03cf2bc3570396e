"""Generate a synthetic governed cell for benchmarks (reusable by every bench script).

    python bench/gen_cell.py OUT [--stories 200] [--reqs 3] [--acs 2]

200 stories x 3 requirements x 2 ACs is the 2,000-item cell of DESIGN.md
(200 + 600 + 1,200 ledger items), with one feature file per story holding one
scenario per AC, and one unit-test mapping per AC.  Output is deterministic.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def generate(out: Path, stories: int = 200, reqs: int = 3, acs: int = 2) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    (out / "specs" / "features").mkdir(parents=True)
    ledger = ['metadata: {schema_version: "1.0", title: "Synthetic cell"}', "stories:"]
    for s in range(1, stories + 1):
        sid = f"{s:04d}"
        ledger += [f"  - id: US-B{sid}", f"    title: Story {s} of the synthetic cell",
                   f"    description: Stories exist so that the benchmark has realistic text, story {s}.",
                   "    requirements:"]
        scen = [f"Feature: Story {s}", f"  Everything story {s} promises.", ""]
        for r in range(1, reqs + 1):
            rid = f"REQ-B{sid}-R{r}"
            ledger += [f"      - id: {rid}", f"        title: Requirement {r} of story {s}",
                       "        tags: [bench]", "        acceptance_criteria:"]
            for a in range(1, acs + 1):
                aid = f"AC-B{sid}-{r}{a:02d}"
                ledger += [f"          - id: {aid}",
                           f"            text: When the user does thing {a} of requirement {r}, the system answers within the limit.",
                           "            tests:",
                           f'              - {{type: bdd, tag: "@{aid}", file: specs/features/story_{sid}.feature}}',
                           f"              - {{type: unit, tag: test_{aid.lower().replace('-', '_')}, file: tests/test_b.py}}"]
                scen += [f"  @{aid}", f"  Scenario: Thing {a} of requirement {r}",
                         f"    Given the user is ready for thing {a}", f"    When the user does thing {a}",
                         "    Then the system answers within the limit", ""]
        (out / "specs" / "features" / f"story_{sid}.feature").write_text("\n".join(scen), encoding="utf-8")
    (out / "tests").mkdir()
    (out / "tests" / "test_b.py").write_text("".join(
        f"def test_ac_b{s:04d}_{r}{a:02d}():\n    assert True\n\n\n"
        for s in range(1, stories + 1) for r in range(1, reqs + 1) for a in range(1, acs + 1)), encoding="utf-8")
    (out / "specs" / "spec_ledger.yaml").write_text("\n".join(ledger) + "\n", encoding="utf-8")
    return {"stories": stories, "requirements": stories * reqs, "acs": stories * reqs * acs,
            "items": stories + stories * reqs + stories * reqs * acs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--reqs", type=int, default=3)
    parser.add_argument("--acs", type=int, default=2)
    args = parser.parse_args()
    print(generate(args.out, args.stories, args.reqs, args.acs))


if __name__ == "__main__":
    main()
