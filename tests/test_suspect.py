"""govcell.derive.suspect: meaning fingerprints, proof keys and the reviews file."""

from __future__ import annotations

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.derive.suspect import assess, meaning, proof_keys, render, restamp
from govcell.formats.ledger import AcceptanceCriterion
from govcell.formats.ledger import TestMapping as Mapping
from govcell.formats.reviews import ReviewsFile
from tests.conftest import CellBuilder


def _ac(**kw: object) -> AcceptanceCriterion:
    return AcceptanceCriterion(**{"id": "AC-X-001", "text": "A payment is accepted", **kw})


def test_the_meaning_is_the_normalised_text_and_the_adrs() -> None:
    base = meaning(_ac())
    assert len(base) == 16 and int(base, 16) >= 0
    # What does not change what the AC asks: its ID, white space, lifecycle, notes, tags, mappings.
    assert meaning(_ac(id="AC-Y-009")) == base
    assert meaning(_ac(text="  A payment\n  is   accepted ")) == base
    assert meaning(_ac(status="draft", note="see ticket", tags=["pay"], must_have_ac=False, owner="x",
                       depends_on=["AC-X-002"], tests=[{"type": "unit", "tag": "t"}])) == base
    assert meaning(_ac(text="A payment is accepted", adr=[])) == base
    # Unicode NFC: a composed and a decomposed é are the same text.
    assert meaning(_ac(text="caf\u00e9")) == meaning(_ac(text="cafe\u0301"))
    # What does: the words, and the decisions it follows (in any order).
    assert meaning(_ac(text="A payment is refused")) != base
    assert meaning(_ac(text="a payment is accepted")) != base
    with_adr = meaning(_ac(adr=["ADR-0002", "ADR-0001"]))
    assert with_adr != base and with_adr == meaning(_ac(adr=["ADR-0001", "ADR-0002"]))


def test_proof_keys_name_scenarios_and_mappings_without_lines() -> None:
    from govcell.load.features import Scenario

    def sc(name: str, line: int, rule: str | None = None, file: str = "features/a.feature") -> Scenario:
        return Scenario(name=name, keyword="Scenario", file=file, line=line, tags=(), ac_ids=(), rule=rule, text="")

    tests = [Mapping(type="bdd", tag="@AC-X-001", file="features/a.feature"),
             Mapping(type="unit", tag="test_pay", file="tests/test_pay.py"),
             Mapping(type="integration", name="pays", module="app::tests"),
             Mapping(type="manual", command="make check"),
             Mapping(type="ci")]
    scenarios = [sc("Pay", 9), sc("Pay", 3), sc("Refund", 5, rule="Refunds"), sc("Z", 1, file="features/0.feature")]
    keys = proof_keys(scenarios, tests)
    assert keys == ["scenario features/0.feature: Z", "scenario features/a.feature: Pay",
                    "scenario features/a.feature: Refunds > Refund", "scenario features/a.feature: Pay #2",
                    "unit tests/test_pay.py::test_pay", "integration app::tests::pays", "manual make check", "ci"]


def test_the_reviews_file_round_trips_and_is_sorted(cell: CellBuilder) -> None:
    from govcell.load.validate import validate
    from govcell.load.yamlio import load_yaml

    records = {"AC-X-10": {"unit b": "0" * 16}, "AC-X-9": {"scenario z": "a" * 16, "scenario a": "1234567890123456"},
               "AC-X-1": {}, "AC-\u00e9\n": {"x\u2028y": "b" * 16}}
    text = render(records)
    assert text == render(dict(reversed(list(records.items()))))  # order of the input does not matter
    assert text.index('{ac: "AC-X-9"') < text.index('{ac: "AC-X-10"')  # natural order
    assert text.index('"scenario a"') < text.index('"scenario z"')
    assert '"AC-X-1"' not in text  # an AC with nothing recorded is left out
    assert text.isascii()
    path = cell.write("specs/reviews.yaml", text)
    loaded = validate(ReviewsFile, load_yaml(path.parent.parent, "specs/reviews.yaml"), "reviews")
    assert loaded.diagnostics == [] and loaded.model is not None
    back: dict[str, dict[str, str]] = {}
    for r in loaded.model.reviews:
        back.setdefault(r.ac, {})[r.proof] = r.fingerprint
    assert back == {k: v for k, v in records.items() if v}
    assert render(back) == text
    assert render({}).endswith("reviews: []\n")


def test_a_bad_fingerprint_is_a_finding_and_the_rest_loads(cell: CellBuilder) -> None:
    cell.ledger("stories:\n  - id: US-X-001\n    title: X\n    requirements:\n      - id: REQ-X-1\n        title: X\n"
                "        acceptance_criteria:\n          - id: AC-X-001\n            text: It works\n"
                "            tests: [{type: unit, tag: t, file: t.py}]\n")
    cell.write("t.py", "")
    cell.write("specs/reviews.yaml", 'format: govcell.reviews/1\nreviews:\n'
                                     '  - {ac: AC-X-001, proof: "unit t.py::t", fingerprint: "nothex"}\n'
                                     '  - {ac: AC-X-001, proof: "unit other", fingerprint: "0000000000000000"}\n')
    c = Cell(cell.root)
    found = [d for d in c.reviews.diagnostics if d.path == "specs/reviews.yaml"]
    assert found and found[0].line == 3, found
    a = assess(c)
    # the good record is kept: a proof the AC no longer has is stale; the bad one is dropped
    assert [(s.ac, s.proof) for s in a.stale] == [("AC-X-001", "unit other")]
    assert a.acs["AC-X-001"].unreviewed == ["unit t.py::t"]
    out = restamp(c, ["AC-X-001"])
    assert out.stamped == {"AC-X-001": 1} and out.dropped == 1
    assert "unit other" not in out.text


def test_a_rename_is_followed_only_when_it_is_unambiguous(cell: CellBuilder) -> None:
    ledger = ("stories:\n  - id: US-X-001\n    title: X\n    requirements:\n      - id: REQ-X-1\n        title: X\n"
              "        acceptance_criteria:\n")
    for ident in ("AC-X-002", "AC-X-003"):
        ledger += (f"          - id: {ident}\n            text: Same words\n"
                   "            tests: [{type: manual, command: look}]\n")
    cell.ledger(ledger)
    fp = meaning(_ac(text="Same words"))
    cell.write("specs/reviews.yaml", render({"AC-X-001": {"manual look": fp}}))
    a = assess(Cell(cell.root))
    assert [(s.ac, s.renamed_to) for s in a.stale] == [("AC-X-001", None)]  # two candidates: no guess
    # One candidate with the same meaning and a proof in common (AC-X-002 has no proof): the rename is followed.
    cell.ledger(ledger.replace("AC-X-003", "AC-X-004").replace("Same words\n            tests: [{type: manual, "
                                                                "command: look}]\n          - id: AC-X-004",
                                                                "Same words\n          - id: AC-X-004", 1))
    written = (cell.root / "specs/spec_ledger.yaml").read_text()
    assert "AC-X-002\n            text: Same words\n          - id: AC-X-004" in written
    a = assess(Cell(cell.root))
    assert [(s.ac, s.renamed_to) for s in a.stale] == [("AC-X-001", "AC-X-004")]


def test_a_change_bundle_cuts_its_header_to_fit(cell: CellBuilder) -> None:
    from govcell.report.revisions import diff as compute
    from govcell.report.change_bundle import build
    from govcell.derive.bundles.render import fit
    from govcell.derive.bundles.render import render as render_bundle
    from tests.conftest import git, init_git

    def ledger(words: str) -> str:
        acs = "".join(f"          - id: AC-X-{i:03d}\n            text: {words} number {i} " + "and so on " * 20 + "\n"
                      for i in range(1, 41))
        return ("stories:\n  - id: US-X-001\n    title: X\n    requirements:\n      - id: REQ-X-1\n        title: X\n"
                "        acceptance_criteria:\n" + acs)

    init_git(cell.root)
    cell.ledger(ledger("It works"))
    git(cell.root, "add", "-A")
    git(cell.root, "commit", "-q", "-m", "base")
    cell.ledger(ledger("It works well"))
    doc = compute(str(cell.root), None, "HEAD", None)
    assert len(doc["items"]["changed"]) == 40
    whole = build(Analysis(Cell(cell.root)), doc, 1_000_000)
    text = render_bundle(fit(whole))
    assert "more line(s) of the diff" not in text and text.count("#### AC-X-") == 40
    small = build(Analysis(Cell(cell.root)), doc, 6000)
    text = render_bundle(fit(small))
    assert len(text.encode()) <= 6000
    assert "more line(s) of the diff" in text and "`govcell diff HEAD` shows them" in text
    assert "more AC(s) left out of this bundle to fit its budget: AC-X-" in text
    assert 0 < text.count("#### AC-X-") < 40
    # deterministic
    assert render_bundle(fit(build(Analysis(Cell(cell.root)), doc, 6000))) == text



def test_the_written_form_reads_without_yaml_and_like_yaml(cell: CellBuilder) -> None:
    from govcell.formats.reviews import ReviewsFile
    from govcell.load.reviews import canonical
    from govcell.load.validate import validate
    from govcell.load.yamlio import parse_yaml

    records = {"AC-X-2": {"scenario f.feature: \"quoted\" \\ back": "0123456789abcdef", "unit t.py::t": "f" * 16},
               "AC-X-10": {"caf\u00e9 \u2028": "a" * 16}}
    for text in (render(records), render({})):
        fast = canonical(text, "specs/reviews.yaml")
        slow = validate(ReviewsFile, parse_yaml(text, "specs/reviews.yaml"), "reviews", empty_ok=True)
        assert fast is not None and slow.diagnostics == []
        assert fast.model is not None and slow.model is not None
        assert [(r.ac, r.proof, r.fingerprint) for r in fast.model.reviews] == \
            [(r.ac, r.proof, r.fingerprint) for r in slow.model.reviews]
        assert [fast.raw.position(r.loc) for r in fast.model.reviews] == \
            [slow.raw.position(r.loc) for r in slow.model.reviews]
        assert fast.raw.data == slow.raw.data
    # anything else is left to the YAML loader (and its findings)
    text = render(records)
    for other in (text.replace("  - {ac:", "  -  {ac:", 1), text.replace('fingerprint: "f', "fingerprint: f", 1),
                  text + "extra: 1\n", text.replace("format: govcell.reviews/1", "format: govcell.reviews/2"),
                  text.replace('"AC-X-2"', '"AC-X-\\x32"', 1)):
        assert canonical(other, "specs/reviews.yaml") is None
