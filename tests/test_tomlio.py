"""A TOML table located (govcell.load.tomlio): the line and column of every key, as YAML gives them."""

from __future__ import annotations

from govcell.load.tomlio import load_table, positions

TEXT = '''\
[project]
name = "x"
description = """
strict = false
"""

[tool.govcell]
strict = true
ids.story = "S-[0-9]+"

[tool.govcell.paths]
  "ledger" = "l.yaml"
features = [
  "a",
]

[[tool.govcell.items]]
name = "one"
[[tool.govcell.items]]
name = "two"
'''


def test_keys_tables_and_arrays_of_tables_are_located() -> None:
    marks, keys = positions(TEXT, ("tool", "govcell"))
    assert keys[("strict",)] == (8, 1) and marks[("strict",)] == (8, 10)
    assert keys[("ids", "story")] == (9, 1)
    assert marks[()] == (7, 2) and keys[("paths",)] == (11, 2)
    assert keys[("paths", "ledger")] == (12, 3)  # a quoted key, indented
    assert keys[("paths", "features")] == (13, 1)
    assert keys[("items", 0, "name")] == (18, 1) and keys[("items", 1, "name")] == (20, 1)
    assert not any(loc[:1] in (("name",), ("description",)) for loc in keys)  # other tables are not this one's


def test_a_multi_line_string_is_not_read_for_keys() -> None:
    _marks, keys = positions(TEXT, ("project",))
    assert keys[("description",)] == (3, 1)
    assert ("strict",) not in keys  # line 4 is inside the string


def test_loaded_table_positions_and_fallbacks() -> None:
    loaded = load_table(TEXT, "pyproject.toml", ("tool", "govcell"), prefix="config")
    assert loaded.present and loaded.data["paths"]["ledger"] == "l.yaml"
    assert loaded.position(("paths", "features", 0)) == (13, 12)  # an inline element: its key's value
    assert loaded.position(("nowhere",)) == (7, 2)


def test_absent_table_and_bad_toml() -> None:
    assert not load_table("[project]\nname = 'x'\n", "pyproject.toml", ("tool", "govcell"), prefix="config").present
    bad = load_table("[tool.govcell\n", "pyproject.toml", ("tool", "govcell"), prefix="config")
    assert bad.present and bad.data is None and [d.code for d in bad.diagnostics] == ["config.syntax"]
