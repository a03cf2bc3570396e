"""The located YAML loader: positions, duplicate keys and hostile input."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from govcell.load.yamlio import load_yaml, parse_yaml
from tests.test_foundation_scenarios import ALIAS_BOMB


def codes(loaded) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.code for d in loaded.diagnostics]


def test_positions_of_values_and_keys() -> None:
    loaded = parse_yaml("a:\n  b: [1, 2]\n  c: x\n", "f.yaml")
    assert loaded.data == {"a": {"b": [1, 2], "c": "x"}}
    assert loaded.marks[("a", "b", 1)] == (2, 10)
    assert loaded.key_marks[("a", "c")] == (3, 3)
    assert loaded.position(("a", "c", "missing", 3)) == (3, 6)


def test_duplicate_keys_are_reported_and_first_kept() -> None:
    loaded = parse_yaml("x: 1\ny: 2\nx: 3\n", "f.yaml")
    assert codes(loaded) == ["yaml.duplicate-key"]
    assert loaded.diagnostics[0].line == 3
    assert loaded.data == {"x": 1, "y": 2}


def test_dates_stay_strings_and_scalars_are_typed() -> None:
    loaded = parse_yaml("d: 2025-12-22\nn: 3\nb: true\nz: null\nf: 1.5\n", "f.yaml")
    assert loaded.data == {"d": "2025-12-22", "n": 3, "b": True, "z": None, "f": 1.5}


def test_merge_keys() -> None:
    loaded = parse_yaml("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n", "f.yaml")
    assert loaded.data["thing"] == {"x": 1, "y": 3}


def test_alias_bomb_fails_fast_in_bounded_memory() -> None:
    tracemalloc.start()
    start = time.perf_counter()
    loaded = parse_yaml(ALIAS_BOMB, "bomb.yaml")
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert codes(loaded) == ["yaml.alias-limit"]
    assert loaded.data is None
    # Bounds, not timings: the expansion stops after the alias budget.
    assert peak < 200 * 1024 * 1024
    assert elapsed < 30


def test_unsafe_tags_are_findings_not_objects() -> None:
    loaded = parse_yaml("x: !!python/object/apply:os.system ['echo hi']\n", "f.yaml")
    assert "yaml.tag" in codes(loaded)


def test_multiple_documents_are_a_syntax_finding() -> None:
    loaded = parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert codes(loaded) == ["yaml.syntax"]
    assert "one YAML document" in loaded.diagnostics[0].hint


def test_tabs_get_a_specific_hint() -> None:
    loaded = parse_yaml("a:\n\t- b\n", "f.yaml")
    assert codes(loaded) == ["yaml.syntax"]
    assert "tabs" in loaded.diagnostics[0].hint


def test_deep_nesting_is_a_finding() -> None:
    loaded = parse_yaml("[" * 5000 + "]" * 5000, "f.yaml")
    assert codes(loaded) and codes(loaded)[0] in {"yaml.syntax", "yaml.too-deep"}


def test_invalid_utf8_position(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_bytes(b"a: 1\nb: caf\xe9\n")
    loaded = load_yaml(tmp_path, "f.yaml")
    d = loaded.diagnostics[0]
    assert (d.code, d.line, d.col) == ("file.encoding", 2, 7)


def test_bom_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_bytes("\ufeffa: 1\n".encode())
    assert load_yaml(tmp_path, "f.yaml").data == {"a": 1}


def test_symlink_outside_repo_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "f.yaml").symlink_to(outside)
    assert codes(load_yaml(repo, "f.yaml")) == ["file.outside-repo"]


def test_symlink_loop_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    found = codes(load_yaml(tmp_path, "a.yaml"))
    assert found and found[0].startswith("file.")


def test_optional_missing_file_is_absent_not_an_error(tmp_path: Path) -> None:
    loaded = load_yaml(tmp_path, "nope.yaml", required=False)
    assert not loaded.present and loaded.diagnostics == []


# ----------------------------------------------------------------------------- the event path

import pytest  # noqa: E402

import govcell.load.yamlio as yamlio  # noqa: E402
from govcell.load.yaml_events import from_events  # noqa: E402
from govcell.load.yaml_loader import WORD_SCALARS, fast_loader  # noqa: E402

#: Plain documents the event path builds itself.
PLAIN = [
    "", "# only a comment\n", "---\n", "x\n", "'quoted'\n", "a: 1\nb: 2.5\nc: true\nd: ~\ne:\nf: 2024-01-02\n",
    "a:\n  - x\n  - {b: [1, 'two', \"3\"], c: null}\n  -\n  - - nested\n", "2: int key\ntrue: bool key\n~: null key\n",
    "text: |\n  a block\n  of lines\nfolded: >\n  folded\n  text\n", "yes: no\nver: 1.0\nhex: 0x1F\n",
    "- 'a'\n- \"b\"\n- c: [d, e]\n  f: g\n", "---\nkey: value\n...\n",
]
#: Documents the composer must build: each one's findings and values stay exactly the composer's.
EXOTIC = [
    "a: &x 1\nb: *x\n", "base: &b {k: 1}\nderived:\n  <<: *b\n  j: 2\n", "a: !!str 3\n", "a: !custom x\n",
    "x: 1\nx: 2\n", "yes: 1\non: 2\n", "? [complex]\n: key\n", "a: 1\n---\nb: 2\n", "a: [1, 2\n", "a: b: c\n",
    "\tx: 1\n",
    "v: =\n", "a: !!binary aGVsbG8=\n", "[" * 300 + "]" * 300 + "\n", "a: *undefined\n",
]


def _composed(text: str) -> yamlio.LoadedYaml:
    saved = yamlio.from_events
    yamlio.from_events = lambda *args: None  # type: ignore[assignment]
    try:
        return yamlio.parse_yaml(text, "f.yaml")
    finally:
        yamlio.from_events = saved


def _same(a: yamlio.LoadedYaml, b: yamlio.LoadedYaml) -> bool:
    return (repr(a.data), a.marks, a.key_marks, a.diagnostics) == (repr(b.data), b.marks, b.key_marks, b.diagnostics)


@pytest.mark.parametrize("text", PLAIN)
def test_the_event_path_builds_plain_documents_as_the_composer_does(text: str) -> None:
    assert from_events(text, fast_loader()) is not None
    assert _same(parse_yaml(text, "f.yaml"), _composed(text))


@pytest.mark.parametrize("text", EXOTIC)
def test_the_event_path_leaves_everything_else_to_the_composer(text: str) -> None:
    assert from_events(text, fast_loader()) is None
    assert _same(parse_yaml(text, "f.yaml"), _composed(text))


def test_the_event_path_agrees_on_every_yaml_file_of_the_reference_cell(reference_cell: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(reference_cell.rglob("*.y*ml")) if ".git" not in p.parts]
    assert len(texts) > 10
    assert sum(from_events(t, fast_loader()) is not None for t in texts) > 10
    for text in texts:
        assert _same(parse_yaml(text, "f.yaml"), _composed(text))


def test_the_words_a_letter_can_start_are_all_pyyaml_reads_as_bool_or_null() -> None:
    """The shortcut of ``_fast_loader``: a letter-initial scalar not in WORD_SCALARS is a string."""
    import yaml

    base = yaml.CSafeLoader
    candidates = sorted(WORD_SCALARS) + ["title", "text", "tests", "features/a.feature", "nil", "Nope",
                                                "y", "n", "Y", "N", "yes ", "noo", "trueish", "NULLS", "oN", "tRUE"]
    for word in candidates:
        pyyaml = base.resolve(base(""), yaml.ScalarNode, word, (True, False))
        ours = fast_loader().resolve(fast_loader()(""), yaml.ScalarNode, word, (True, False))
        assert ours == pyyaml, word
        assert (pyyaml != "tag:yaml.org,2002:str") == (word in WORD_SCALARS), word
