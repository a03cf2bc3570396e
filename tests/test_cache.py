"""The shared cache of what loading produces (govcell.load.cache and its store, govcell.load.cache_store):
never trusted, never stale, never in the way."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, git, init_git, run_command

from govcell.load import cache as cache_mod
from govcell.load import cache_store
from govcell.load.cache import MISS, Cache, cache_dir, git_common_dir, key

sys.path.insert(0, str(REPO_ROOT / "bench"))
from gen_cell import generate


# --------------------------------------------------------------------------- the store


def test_round_trip_and_a_different_key_misses(tmp_path: Path) -> None:
    c = Cache(tmp_path / "c")
    k = key("test", "a")
    assert c.get("test", k) is MISS
    c.put("test", k, {"x": [1, 2, 3]})
    assert c.get("test", k) == {"x": [1, 2, 3]}
    assert c.get("test", key("test", "b")) is MISS
    assert key("test", "ab", "c") != key("test", "a", "bc")  # parts are length-prefixed
    assert not [p for p in (tmp_path / "c").iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize("damage", ["truncate", "flip", "magic", "empty", "garbage", "foreign", "unpicklable"])
def test_a_damaged_entry_is_ignored_removed_and_rebuilt(tmp_path: Path, damage: str) -> None:
    c = Cache(tmp_path / "c")
    k, other = key("test", "a"), key("test", "b")
    c.put("test", k, list(range(1000)))
    c.put("test", other, "another value")
    path = tmp_path / "c" / (k.hex() + ".bin")
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        path.write_bytes(blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:])
    elif damage == "magic":
        path.write_bytes(b"GVCACHE0" + blob[8:])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(os.urandom(5000))
    elif damage == "foreign":  # a valid entry of another key, copied under this key's name
        shutil.copy(tmp_path / "c" / (other.hex() + ".bin"), path)
    elif damage == "unpicklable":  # header and checksum right, payload naming code that does not exist
        import struct
        import zlib

        payload = b"\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x08no_such_\x94\x8c\x01x\x94\x93\x94."
        path.write_bytes(struct.pack(">8s32sIQ", cache_store.MAGIC, k, zlib.crc32(payload), len(payload)) + payload)
    assert c.get("test", k) is MISS
    assert not path.exists()
    c.put("test", k, list(range(1000)))
    assert c.get("test", k) == list(range(1000))


def test_fast_pickling_rebuilds_equal_feature_files(tmp_path: Path) -> None:
    import pickle

    from govcell.diagnostics import diag
    from govcell.load.features import Examples, FeatureFile, Scenario, TagRef, parse_feature

    text = ("@AC-X-001\nFeature: F\n  Rule: R\n    @AC-X-002 @wip\n    Scenario Outline: S <n>\n      Given <n>\n"
            "      @AC-X-003\n      Examples:\n        | n |\n        | 1 |\n")
    feature, found = parse_feature(text, "f.feature")
    assert feature is not None and found == []
    cache_mod.fast_pickle(FeatureFile, Scenario, Examples, TagRef, type(diag("a.b", "m", "p")))
    value = (feature, [diag("a.b", "message", "p", 1, 2, hint="h")])
    assert pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) == value
    c = Cache(tmp_path / "c")
    c.put("feature", key("feature", "f"), value)
    assert c.get("feature", key("feature", "f")) == value


def test_an_unwritable_or_missing_directory_is_only_a_miss(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    c = Cache(blocker / "cache")
    k = key("test", "a")
    c.put("test", k, 1)  # no exception
    assert c.get("test", k) is MISS


def test_the_cache_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    c = Cache(tmp_path / "c", max_bytes=40_000)
    keys = [key("test", str(i)) for i in range(10)]
    for i, k in enumerate(keys):
        Cache(tmp_path / "c", max_bytes=10**9).put("test", k, os.urandom(5000))
        os.utime(tmp_path / "c" / (k.hex() + ".bin"), (1_000_000 + i, 1_000_000 + i))
    c.put("test", key("test", "new"), b"x")  # the first store of a process prunes
    left = {p.name for p in (tmp_path / "c").iterdir()}
    assert c.size() <= 40_000
    assert keys[0].hex() + ".bin" not in left  # the oldest went first
    assert keys[-1].hex() + ".bin" in left


def test_off_switches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = Cache(tmp_path / "c")
    with cache_mod.disabled():
        assert not c.enabled
        c.put("test", key("test", "a"), 1)
    assert c.enabled and not (tmp_path / "c").exists()
    for value, off in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv("GOVCELL_NO_CACHE", value)
        assert cache_mod.env_off() is off


# --------------------------------------------------------------------------- where


def test_inside_the_git_directory_shared_by_worktrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVCELL_CACHE_DIR")
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    init_git(repo)
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    git(repo, "commit", "-qm", "x")
    common = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
    assert git_common_dir(repo / "sub") == common
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    assert git_common_dir(tmp_path / "wt") == common
    assert cache_dir(tmp_path / "wt") == common / "govcell" / "cache"
    # outside git: the user cache directory (a .git that is not a git directory is not trusted)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / ".git").write_text("gitdir: /nonexistent\n")
    if sys.platform.startswith("linux"):
        assert cache_dir(tmp_path / "plain") == tmp_path / "xdg" / "govcell"


# --------------------------------------------------------------------------- in use


def _cell(root: Path, stories: int = 2) -> Path:
    generate(root, stories=stories)
    (root / "test-results").mkdir()
    (root / "test-results" / "junit.xml").write_text(
        '<testsuite name="t" tests="1"><testcase classname="tests.test_b" name="test_ac_b0001_101"/></testsuite>\n')
    with (root / ".govcell.yaml").open("a", encoding="utf-8") as f:
        f.write("results:\n  files: [test-results/junit.xml]\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "results")
    return root


def _stats() -> dict[tuple[str, str], int]:
    return dict(cache_mod.STATS)


def _delta(before: dict[tuple[str, str], int], kind: str, what: str) -> int:
    return cache_mod.STATS[(kind, what)] - before.get((kind, what), 0)


def test_a_second_hook_reuses_and_a_one_file_change_reparses_only_that_file(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVCELL_CACHE_DIR")  # the real place: the cell's git directory
    root = _cell(tmp_path / "cell")
    assert run_command("govcell-governance-graph", root).code == 0  # the first hook of a commit parses
    assert (root / ".git" / "govcell" / "cache").is_dir()
    before = _stats()
    first = run_command("govcell-ac-tags", root)  # the next one reuses what it parsed
    assert _delta(before, "feature", "hit") == 2 and _delta(before, "feature", "miss") == 0
    assert _delta(before, "validated", "hit") >= 1 and _delta(before, "validated", "miss") == 0
    assert _delta(before, "config", "hit") == 1 and _delta(before, "config", "miss") == 0
    before = _stats()
    second = run_command("govcell-ac-tags", root)
    assert second.output == first.output
    assert _delta(before, "feature", "miss") == 0 and _delta(before, "validated", "miss") == 0
    feature = root / "specs" / "features" / "story_0002.feature"
    feature.write_text(feature.read_text(encoding="utf-8").replace("@AC-B0002-101", "@AC-B0002-999"),
                       encoding="utf-8")
    before = _stats()
    third = run_command("govcell-ac-tags", root)
    assert _delta(before, "feature", "miss") == 1 and _delta(before, "feature", "hit") == 1
    assert _delta(before, "validated", "miss") == 0
    assert "AC-B0002-999" in third.output and third.output == run_command("govcell-ac-tags --no-cache", root).output


def _edit(root: Path, rel: str, old: str | None, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    if old is None:
        path.write_text(text + new, encoding="utf-8")
    else:
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: Each kind of input, edited so that a finding appears: (what, file, text replaced or None to append, new text).
EDITS = [
    ("ledger", "specs/spec_ledger.yaml", "title:", "titel:"),
    ("feature", "specs/features/story_0001.feature", "@AC-B0001-101", "@AC-B0001-999"),
    ("policy", "policy/flags.rego", None, "\nthis is not rego {\n"),
    ("fixture", "policy/testdata/flags_valid.yaml", None, "\n  - [unclosed\n"),
    ("contextpack", ".llm/contextpack.yaml", "max_bytes: 400000", "max_bytes: 1000"),
    ("config", ".govcell.yaml", None, "ac_tags:\n  exempt: []\nseverity:\n  ac.untagged-scenario: error\n"
                                      "ids:\n  ac: 'AC-B[0-9]+-1[0-9]+'\n"),
    ("result file", "test-results/junit.xml", "<testsuite", "<testsuite><unclosed"),
    ("bundle include", "docs/guide.md", None, "x" * 500_000),
]


@pytest.mark.parametrize(("what", "rel", "old", "new"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_of_any_input_shows_on_the_next_warm_run(tmp_path: Path, what: str, rel: str, old: str | None,
                                                         new: str) -> None:
    root = _cell(tmp_path / "cell")
    command = "govcell check --format json"
    clean = run_command(command, root)
    assert clean.code == 0, clean.output
    assert run_command(command, root).stdout == clean.stdout  # warm, unchanged
    _edit(root, rel, old, new)
    before = _stats()
    warm = run_command(command, root)
    if what != "config":  # a config change is a new key for every entry
        assert sum(v for (k, w), v in cache_mod.STATS.items() if w == "hit") > sum(
            v for (k, w), v in before.items() if w == "hit"), "the warm run used the cache"
    fresh = run_command(command + " --no-cache", root)
    assert warm.stdout == fresh.stdout and warm.code == fresh.code
    assert warm.stdout != clean.stdout and json.loads(warm.stdout), f"editing the {what} changed nothing"


def test_a_config_with_custom_patterns_is_cached_like_any_other(tmp_path: Path) -> None:
    """Their safety is judged from the parse tree (load/regex_safety), the same on every machine."""
    root = _cell(tmp_path / "cell")
    _edit(root, ".govcell.yaml", None, "ids:\n  ac: 'AC-[A-Z0-9][A-Z0-9-]*'\n  story: 'US-[A-Z0-9-]+'\n")
    first = run_command("govcell check", root)
    before = _stats()
    again = run_command("govcell check", root)
    assert (again.code, again.stdout) == (first.code, first.stdout) and first.code == 0
    assert _delta(before, "config", "hit") == 1 and _delta(before, "config", "miss") == 0


def test_no_cache_writes_nothing(tmp_path: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _cell(tmp_path / "cell")
    shutil.rmtree(_private_cache)  # generating the cell rendered its feature status with govcell
    _private_cache.mkdir()
    assert run_command("govcell --no-cache check", root).code == 0
    assert run_command("govcell-ac-tags --no-cache", root).code == 0
    assert run_command("govcell-feature-status --no-cache --check", root).code == 0
    monkeypatch.setenv("GOVCELL_NO_CACHE", "1")
    assert run_command("govcell check", root).code == 0
    monkeypatch.delenv("GOVCELL_NO_CACHE")
    _edit(root, ".govcell.yaml", None, "cache:\n  enabled: false\n")
    assert run_command("govcell check", root).code == 0
    assert not any(_private_cache.iterdir())
    _edit(root, ".govcell.yaml", "enabled: false", "enabled: true")
    assert run_command("govcell check", root).code == 0
    assert any(_private_cache.iterdir())


def test_a_revision_with_the_working_trees_config_reuses_its_parsed_files(tmp_path: Path) -> None:
    """`govcell diff` right after `govcell check`: what both hold unchanged is parsed once."""
    from govcell.cell import Cell
    from govcell.load.sources import at_revision

    root = _cell(tmp_path / "cell")
    _edit(root, "specs/features/story_0001.feature", "@AC-B0001-101", "@AC-B0001-999")
    assert run_command("govcell check", root).code == 1  # the working tree, with one feature file edited
    before = _stats()
    at_head = Cell(root, source=at_revision(root, "HEAD"))
    assert at_head.ledger.model is not None and at_head.features.files
    assert _delta(before, "validated", "hit") >= 1 and _delta(before, "validated", "miss") == 0
    assert _delta(before, "feature", "miss") == 1, "only the file HEAD holds differently is parsed"
    assert _delta(before, "feature", "hit") == len(at_head.features.files) - 1


def test_a_childs_cache_counts_travel_with_its_result() -> None:
    from govcell.process import Later

    def counts_one() -> str:
        cache_mod.STATS[("probe", "hit")] += 1
        return "done"

    saved = dict(cache_mod.STATS)
    try:
        cache_mod.STATS.clear()
        later = Later(cache_mod.with_counts, (counts_one,))
        status, (value, counts) = later.result()
        assert (status, value, counts) == ("ok", "done", {("probe", "hit"): 1})
        assert ("probe", "hit") not in cache_mod.STATS, "counted in the child (or taken out of this process)"
        assert cache_mod.counted_result(later) == (True, "done")
        assert cache_mod.STATS[("probe", "hit")] == 1
        assert cache_mod.counted_result(Later(cache_mod.with_counts, (lambda: 1 / 0,))) == (False, None)
        assert cache_mod.STATS[("probe", "hit")] == 1, "a failed child adds nothing"
        in_here = cache_mod.with_counts(counts_one)
        assert in_here == ("done", {("probe", "hit"): 1}) and cache_mod.STATS[("probe", "hit")] == 1, \
            "a call in this process is counted once, when its counts are merged"
    finally:
        cache_mod.STATS.clear()
        cache_mod.STATS.update(saved)
