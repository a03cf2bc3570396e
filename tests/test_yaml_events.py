"""The two event builders of located YAML: the C one (``govcell.load._yaml_build``) and its Python twin.

Both must give the same values (and value types), the same marks and key marks
in the same order, and refuse the same documents, on everything they may meet:
the repository's own files, the reference cell's, and hostile or odd input.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from govcell.load import yaml_events
from govcell.load.yaml_events import from_events
from govcell.load.yaml_loader import fast_loader

from .conftest import REPO_ROOT

compiled = yaml_events._compiled_builder(fast_loader()) is not None
needs_compiled = pytest.mark.skipif(not compiled,
                                    reason="the C builder is not installed (no compiler or libyaml headers)")

#: Documents at the edges of what either builder takes, and hostile ones.
ODD = [
    "", "\n", "# c\n", "---\n", "--- |\n  text\n", "...\n", "~\n", "null\n", "0o17\n", "-0\n", ".inf\n", "-.NaN\n",
    "1_000\n", "0b101\n", "1:20\n", "2024-01-02T03:04:05Z\n", "<<: 1\n", "=\n", "a: =\n", "'': empty key\n",
    ": no key\n", "a:\n", "- \n-\n", "[]\n", "{}\n", "{a: 1, b: [2, {c: d}]}\n", "[a, [b, [c]]]\n",
    "é: ünïcödé ✓\nkey: \"\\u00e9\\t\"\n", "\ufeffa: bom\n", "a: 'it''s'\n", "a: \"x\\\n  y\"\n",
    "a: |+\n  keep\n\n", "a: >-\n  strip\n  me\n", "Yes: No\nON: off\nTRUE: ~\n", "n: nothing\ny: yonder\n",
    "a: 1\n---\n", "--- a\n--- b\n", "%YAML 1.1\n---\na: 1\n", "%TAG ! tag:x,2000:\n--- !a b\n", "a: ! x\n",
    "- &a x\n- *a\n", "&top [1]\n", "!!map {a: 1}\n", "a: [1, &b 2]\n", "{? a : b}\n", "[a: b]\n",
    "a: 1\na: 1\n", "{a: 1, a: 2}\n", "1: x\n1.0: y\n", "a\0b: 1\n", "a: \x07\n", "a: [\n", "a: '\n", "\t- x\n",
    "a:\n  b: 1\n c: 2\n", "- " * 198 + "x\n", "- " * 199 + "x\n", "- " * 200 + "x\n", "[" * 199 + "]" * 199,
    "[" * 200 + "]" * 200, "{a: " * 199 + "1" + "}" * 199, "a: \ud800\n",
]


def _both(text: str) -> tuple[Any, Any]:
    return from_events(text, fast_loader(), compiled=True), from_events(text, fast_loader(), compiled=False)


def _assert_same(text: str) -> None:
    c, py = _both(text)
    if py is None:
        assert c is None, f"only the C builder took {text[:60]!r}"
        return
    assert c is not None, f"only the Python builder took {text[:60]!r}"
    assert repr(c[0]) == repr(py[0])
    assert list(c[1].items()) == list(py[1].items())
    assert list(c[2].items()) == list(py[2].items())


@needs_compiled
@pytest.mark.parametrize("text", ODD)
def test_both_builders_agree_on_odd_and_hostile_documents(text: str) -> None:
    _assert_same(text)


@needs_compiled
def test_both_builders_agree_on_every_yaml_file_of_this_repository_and_the_reference_cell(
        reference_cell: Path) -> None:
    files = [p for root in (REPO_ROOT, reference_cell) for p in sorted(root.rglob("*.y*ml"))
             if not {".git", ".venv", "node_modules", "site"} & set(p.relative_to(root).parts)]
    taken = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        _assert_same(text)
        taken += from_events(text, fast_loader(), compiled=True) is not None
    assert taken > 50


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                     st.text(max_size=12), st.sampled_from(["yes", "No", "~", "1.5", "0x1f", "2024-01-02", "<<", "="]))
_keys = st.one_of(st.text(max_size=8), st.integers(), st.booleans())
_documents = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(_keys, inner, max_size=4)), max_leaves=25)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(data=_documents, flow=st.sampled_from([False, True, None]), width=st.sampled_from([20, 80]))
def test_both_builders_agree_on_generated_documents(data: Any, flow: bool | None, width: int) -> None:
    _assert_same(yaml.safe_dump(data, default_flow_style=flow, width=width, allow_unicode=True))


@needs_compiled
def test_govcell_pure_yaml_turns_the_c_builder_off(monkeypatch: pytest.MonkeyPatch) -> None:
    yaml_events._compiled_builder.cache_clear()
    monkeypatch.setenv("GOVCELL_PURE_YAML", "1")
    try:
        assert yaml_events._compiled_builder(fast_loader()) is None
    finally:
        yaml_events._compiled_builder.cache_clear()
    monkeypatch.delenv("GOVCELL_PURE_YAML")
    assert yaml_events._compiled_builder(fast_loader()) is not None


def test_the_c_builder_is_installed_where_it_can_be_compiled() -> None:
    """Never silently off: with a C compiler and libyaml's headers the install must have built it."""
    include = Path(sysconfig.get_paths()["include"])
    headers = (include / "Python.h").exists() and any(
        (Path(d) / "yaml.h").exists() for d in ("/usr/include", "/usr/local/include"))
    if not (headers and (shutil.which("cc") or shutil.which("gcc"))) or os.environ.get("GOVCELL_PURE_YAML") == "1":
        pytest.skip("no C compiler or no libyaml headers here: the Python builder is the only one")
    assert compiled, "libyaml's headers and a compiler are here, but govcell.load._yaml_build was not built"
