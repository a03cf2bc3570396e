"""Configuration from .govcell.yaml or pyproject.toml."""

from __future__ import annotations

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from tests.conftest import CellBuilder


def test_defaults_without_any_config(cell: CellBuilder) -> None:
    c = Cell(cell.root)
    assert c.config.paths.ledger == "specs/spec_ledger.yaml"
    assert c.config_source is None and c.config_diagnostics == []


def test_pyproject_config_paths(cell: CellBuilder) -> None:
    cell.write("pyproject.toml", """\
[project]
name = "x"

[tool.govcell.paths]
ledger = "requirements/ledger.yaml"

[tool.govcell.ids]
story = "STORY-[0-9]+"
""")
    cell.write("requirements/ledger.yaml", "stories:\n  - {id: STORY-1, title: ok}\n  - {id: US-1, title: nope}\n")
    c = Cell(cell.root)
    assert c.config_source == "pyproject.toml"
    found = run(Analysis(c), ["spec-ledger"])
    assert [(d.path, d.code, d.line) for d in found] == [("requirements/ledger.yaml", "ledger.id-pattern", 3)]


def test_pyproject_bad_key_has_line(cell: CellBuilder) -> None:
    cell.write("pyproject.toml", "[project]\nname = 'x'\n\n[tool.govcell]\nstrikt = true\n")
    c = Cell(cell.root)
    d = c.config_diagnostics
    assert [(x.code, x.line, x.col, x.hint) for x in d] == [("config.unknown-key", 5, 1, "did you mean 'strict'?")]


def test_pyproject_and_yaml_errors_are_mapped_alike(cell: CellBuilder) -> None:
    """[tool.govcell] is validated as .govcell.yaml is (govcell.load.validate): the same findings, at the
    key's own line, and a bad value resets only itself (the rest of the table still applies)."""
    cell.write("pyproject.toml", '[tool.govcell]\nstrict = true\n\n[tool.govcell.paths]\nledger = 3\n'
                                 'tasks = "work/tasks.yaml"\n')
    toml = Cell(cell.root)
    cell.write(".govcell.yaml", "strict: true\n\n\npaths:\n  ledger: 3\n  tasks: work/tasks.yaml\n")
    yaml = Cell(cell.root)
    assert yaml.config_source == ".govcell.yaml" and toml.config_source == "pyproject.toml"
    for c in (toml, yaml):
        assert c.config.strict is True and c.config.paths.tasks == "work/tasks.yaml"
        assert c.config.paths.ledger == "specs/spec_ledger.yaml"
    assert [(d.code, d.line, d.message, d.hint) for d in toml.config_diagnostics] == \
        [(d.code, d.line, d.message, d.hint) for d in yaml.config_diagnostics]
    assert [(d.code, d.line) for d in toml.config_diagnostics] == [("config.type", 5)]


def test_pyproject_unsafe_pattern_points_at_its_key(cell: CellBuilder) -> None:
    cell.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.govcell.ids]\nstory = "S-(a+)+"\n')
    c = Cell(cell.root)
    assert [(d.code, d.line) for d in c.config_diagnostics] == [("config.unsafe-pattern", 5)]
    assert c.config.ids.story == "US-[A-Z0-9][A-Z0-9-]*"  # the default


def test_yaml_config_beats_pyproject(cell: CellBuilder) -> None:
    cell.write("pyproject.toml", "[tool.govcell.paths]\nledger = 'a.yaml'\n")
    cell.write(".govcell.yaml", "paths: {ledger: b.yaml}\n")
    assert Cell(cell.root).config.paths.ledger == "b.yaml"


def test_bad_regex_in_config_is_a_finding(cell: CellBuilder) -> None:
    cell.write(".govcell.yaml", "ids: {story: 'US-[('}\n")
    cell.ledger("stories:\n  - {id: US-1, title: t}\n")
    found = run(Analysis(Cell(cell.root)), ["spec-ledger"])
    assert "config.bad-pattern" in [d.code for d in found]


def test_severity_wildcard_and_off(cell: CellBuilder) -> None:
    cell.write(".govcell.yaml", "severity: {'ledger.*': info, ledger.empty-text: 'off'}\n")
    cell.ledger("stories:\n  - {id: bad, title: ''}\n")
    found = run(Analysis(Cell(cell.root)), ["spec-ledger"])
    assert [(d.code, d.severity.value) for d in found] == [("ledger.id-pattern", "info")]


def test_empty_config_file_means_defaults(cell: CellBuilder) -> None:
    cell.write(".govcell.yaml", "")
    c = Cell(cell.root)
    assert c.config_diagnostics == [] and c.config.paths.ledger == "specs/spec_ledger.yaml"
