"""Property-based robustness: any input gives success or findings, never a crash.

The loaders and checks are fed generated and mutated ledgers, configs, tasks
and flows files. "Never a crash" is checked strictly: a crashing check would
surface as an ``internal.error`` finding, which fails these tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hooks.cell import Cell
from hooks.checks import run
from hooks.diagnostics import Diagnostic
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
        found = run(Cell(root))
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
