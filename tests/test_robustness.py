"""Property-based robustness: any input gives success or findings, never a crash.

The loaders and checks are fed generated and mutated ledgers, configs, tasks
and flows files, feature files, contextpacks and any file of a whole cell. "Never a crash" is checked
strictly: a crashing check would surface as an ``internal.error`` finding, which fails these tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from govcell.diagnostics import Diagnostic
from tests.test_foundation_scenarios import VALID_LEDGER

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(["US-A-001", "REQ-A-X", "AC-A-001", "bdd", "unit"]))
keys = st.one_of(st.sampled_from(["stories", "requirements", "acceptance_criteria", "tests", "id", "title",
                                  "text", "type", "tag", "file", "adr", "must_have_ac", "metadata", "tasks",
                                  "status", "depends_on", "commands", "flows", "steps", "paths", "severity",
                                  "ids", "ledger"]), st.text(max_size=8))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=25)


def _run_on(files: dict[str, bytes]) -> list[Diagnostic]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        found = run(Analysis(Cell(root)))
    assert not [d for d in found if d.code == "internal.error"], found
    for d in found:
        assert d.code and d.message and d.path is not None and d.line >= 0 and d.col >= 0
    return found


@SETTINGS
@given(documents)
def test_any_yaml_document_as_ledger(doc: object) -> None:
    _run_on({"specs/spec_ledger.yaml": yaml.safe_dump(doc).encode()})


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_as_ledger(data: bytes) -> None:
    _run_on({"specs/spec_ledger.yaml": data})


@SETTINGS
@given(st.integers(0, len(VALID_LEDGER) - 1), st.integers(0, 8), st.text(max_size=6))
def test_mutated_valid_ledger(pos: int, cut: int, insert: str) -> None:
    text = VALID_LEDGER[:pos] + insert + VALID_LEDGER[pos + cut:]
    _run_on({"specs/spec_ledger.yaml": text.encode("utf-8", "surrogatepass")})


@SETTINGS
@given(documents, documents, documents)
def test_any_config_tasks_and_flows(config: object, tasks: object, flows: object) -> None:
    _run_on({
        "specs/spec_ledger.yaml": VALID_LEDGER.encode(),
        ".govcell.yaml": yaml.safe_dump(config).encode(),
        "specs/tasks.yaml": yaml.safe_dump(tasks).encode(),
        "specs/devex_flows.yaml": yaml.safe_dump(flows).encode(),
    })


# --------------------------------------------------------------------------- feature files, contextpacks, whole cells

VALID_FEATURE = """\
@story
Feature: Robust
  Some description.

  Background:
    Given a fresh system

  Rule: One rule
    @AC-A-001
    Scenario Outline: Outline <n>
      Given <n> things
        \"\"\"
        a docstring
        \"\"\"
      Then it holds
        | a | b |
        | 1 | 2 |

      @wip
      Examples:
        | n |
        | 1 |
"""

VALID_CONTEXTPACK = """\
version: "1"
tasks:
  review:
    description: Review
    max_bytes: 10000
    include: [specs/*.yaml, features/*.feature]
    acs: [AC-A-001]
    requirements: [REQ-A-ONE]
    prompt: Review it.
"""

feature_lines = st.sampled_from(["Feature: F", "Rule: R", "Background:", "Scenario: S", "Scenario Outline: O <x>",
                                 "Examples:", "Given a", "When b", "Then c", "And d", "* e", "| x |", "| 1 |",
                                 '"""', "```", "@AC-A-001", "@AC-A-404 @wip", "@", "# language: fr",
                                 "# language: xx", "Fonctionnalité: F", "# comment", "", "  ", "Scénario: S"])


@SETTINGS
@given(st.lists(feature_lines, max_size=25), st.lists(st.integers(0, 6), max_size=25))
def test_any_feature_file(lines: list[str], indents: list[int]) -> None:
    text = "\n".join(" " * (indents[i] if i < len(indents) else 0) + line for i, line in enumerate(lines))
    _run_on({"specs/spec_ledger.yaml": VALID_LEDGER.encode(), "features/x.feature": text.encode()})


@SETTINGS
@given(st.integers(0, len(VALID_FEATURE) - 1), st.integers(0, 12), st.text(max_size=8))
def test_mutated_feature_file(pos: int, cut: int, insert: str) -> None:
    text = VALID_FEATURE[:pos] + insert + VALID_FEATURE[pos + cut:]
    _run_on({"specs/spec_ledger.yaml": VALID_LEDGER.encode(),
             "features/x.feature": text.encode("utf-8", "surrogatepass")})


@SETTINGS
@given(documents)
def test_any_yaml_document_as_contextpack(doc: object) -> None:
    _run_on({"specs/spec_ledger.yaml": VALID_LEDGER.encode(), ".llm/contextpack.yaml": yaml.safe_dump(doc).encode()})


@SETTINGS
@given(st.integers(0, len(VALID_CONTEXTPACK) - 1), st.integers(0, 8), st.text(max_size=6))
def test_mutated_contextpack(pos: int, cut: int, insert: str) -> None:
    text = VALID_CONTEXTPACK[:pos] + insert + VALID_CONTEXTPACK[pos + cut:]
    _run_on({"specs/spec_ledger.yaml": VALID_LEDGER.encode(),
             ".llm/contextpack.yaml": text.encode("utf-8", "surrogatepass")})


def _synthetic_cell() -> Path:
    """A small cell from bench/gen_cell.py (every kind of file), generated once per session."""
    import sys

    target = Path(tempfile.gettempdir()) / f"govcell-robust-cell-{__import__('os').getpid()}"
    if not target.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
        from gen_cell import generate

        generate(target, stories=3)
    return target


@pytest.mark.ac("AC-PERF-003")
@SETTINGS
@given(st.data())
def test_mutated_file_of_a_whole_cell(data: st.DataObject) -> None:
    """Mutate any one file of a full cell (ledger, features, tasks, flows, policies, contextpack, config...)."""
    import shutil

    base = _synthetic_cell()
    files = sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file() and ".git" not in p.parts)
    rel = data.draw(st.sampled_from(files))
    raw = (base / rel).read_bytes()
    pos = data.draw(st.integers(0, max(len(raw) - 1, 0)))
    cut = data.draw(st.integers(0, 16))
    insert = data.draw(st.one_of(st.binary(max_size=8), st.text(max_size=8).map(
        lambda t: t.encode("utf-8", "surrogatepass"))))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "cell"
        shutil.copytree(base, root, symlinks=True)
        (root / rel).write_bytes(raw[:pos] + insert + raw[pos + cut:])
        found = run(Analysis(Cell(root)))
    assert not [d for d in found if d.code == "internal.error"], (rel, found)
