"""docs/: the user guide cannot drift from the code.

Every finding code the kernel can emit is in docs/findings.md, every config key
is in docs/configuration.md, and every file format in docs/formats.md links its
JSON Schema and shows an example that validates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from govcell.load.config import Config
from govcell.formats.schema import MODELS
from tests.conftest import REPO_ROOT

HOOKS = REPO_ROOT / "hooks"
DOCS = REPO_ROOT / "docs"

#: String literals shaped like codes that are not finding codes.
NOT_CODES = {"policy.findings"}  # the JUnit test-suite name of `govcell policy test --format junit`
#: ... nor are file names such as "graph.json" (the site's downloads).
FILE_SUFFIXES = {"json", "md", "mmd", "dot", "csv", "html", "svg", "yaml", "yml", "xml", "rego", "feature", "py",
                 "toml", "txt", "js", "css"}


def _sources() -> dict[str, str]:
    """The kernel and the site generator (which reports what it could not compute)."""
    files = [*sorted(HOOKS.rglob("*.py")), *sorted((REPO_ROOT / "site_gen").rglob("*.py"))]
    return {p.relative_to(REPO_ROOT).as_posix(): p.read_text(encoding="utf-8") for p in files}


def emitted_codes() -> set[str]:
    """Every finding code hooks/ can emit, from the source.

    Literal codes: ``diag("family.name"`` sets the families; then every string
    literal ``"family.name"`` counts (codes also travel in variables and
    ``code=`` arguments).  Codes built at run time are expanded from their
    templates: the safe reader's ``f"{code}.suffix"`` over every ``code=`` family
    passed to it, and validation's ``f"{prefix}.suffix"`` over every model prefix.
    """
    src = _sources()
    text = "\n".join(src.values())
    literal = re.findall(r'diag\(\s*"([a-z][a-z0-9-]*\.[a-z0-9-]+)"', text)
    families = {c.split(".")[0] for c in literal}
    read_families = {"file"} | set(re.findall(r'(?:read_text|decode)\([^()]*?code="([a-z.-]+)"', text, re.S))
    prefixes = set(re.findall(r'(?:validate|_load)\([^()]*?"([a-z]+)"(?:,|\))', text))
    codes = {c for c in re.findall(r'"((?:{})\.[a-z0-9-]+)"'.format("|".join(map(re.escape, sorted(families)))), text)
             if c.rsplit(".", 1)[1] not in FILE_SUFFIXES}
    codes -= read_families - {"file"}
    read_suffixes = set(re.findall(r'f"\{code\}\.([a-z-]+)"', src["hooks/load/text.py"]))
    validation_suffixes = set(re.findall(r'f"\{prefix\}\.([a-z-]+)"', src["hooks/load/validate.py"]))
    assert read_suffixes and validation_suffixes and {"ledger", "config"} <= prefixes
    codes |= {f"{fam}.{suf}" for fam in read_families for suf in read_suffixes}
    codes |= {f"{pre}.{suf}" for pre in prefixes for suf in validation_suffixes}
    return codes - NOT_CODES


def test_the_code_scan_finds_every_kind_of_emission() -> None:
    codes = emitted_codes()
    # a diag literal, a conditional code= literal, a reader family, a validation prefix, a non-diag literal
    assert {"ledger.duplicate-id", "policy.warning", "results.encoding", "bundle.llmignore.missing",
            "contextpack.unknown-key", "bundle.truncated"} <= codes
    assert "policy.findings" not in codes and "bundle.llmignore" not in codes and "graph.json" not in codes
    assert "site.data-error" in codes


def test_every_finding_code_is_documented() -> None:
    documented = set(re.findall(r"`([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)`", (DOCS / "findings.md").read_text()))
    missing = sorted(emitted_codes() - documented)
    assert missing == [], f"document these in docs/findings.md (meaning and fix): {missing}"


def config_keys(model: type[BaseModel] = Config, prefix: str = "") -> list[str]:
    """Dotted names of every field of the config model, sections included."""
    keys = []
    for name, field in model.model_fields.items():
        dotted = f"{prefix}{name}"
        keys.append(dotted)
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            keys += config_keys(ann, dotted + ".")
    return keys


def test_every_config_key_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    keys = config_keys()
    assert "paths.ledger" in keys and "policy.targets" in keys and "strict" in keys
    missing = [k for k in keys if f"`{k}`" not in text]
    assert missing == [], f"document these keys in docs/configuration.md (as `dotted.name`): {missing}"


FORMATS = (DOCS / "formats.md").read_text(encoding="utf-8") if (DOCS / "formats.md").exists() else ""


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_format_links_its_schema(name: str) -> None:
    assert f"schema/{name}.json" in FORMATS
    assert (DOCS / "schema" / f"{name}.json").is_file()


def _examples() -> list[tuple[str, str]]:
    """(path, text) of every fenced example in formats.md whose first line is '# file: PATH' (or an HTML comment)."""
    out = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", FORMATS, re.S):
        first = block.splitlines()[0]
        match = re.fullmatch(r"(?:# file: (\S+)|<!-- file: (\S+) -->)", first)
        if match:
            out.append((match[1] or match[2], block))
    return out


def test_format_examples_make_a_cell_without_findings(tmp_path: Path) -> None:
    """The examples, written together, form a valid cell: every check passes on them."""
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.checks import run

    examples = _examples()
    written = {path for path, _ in examples}
    assert {MODELS[n][2] for n in MODELS} <= written, "every format needs a '# file: PATH' example"
    assert {"features/pay.feature", "docs/adr/0001-record-architecture-decisions.md"} <= written
    for path, text in examples:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    found = [d for d in run(Analysis(Cell(tmp_path))) if d.code != "feature-status.stale"]
    assert found == [], "\n".join(f"{d.location}: {d.code}: {d.message}" for d in found)


def test_architecture_page_names_files_that_exist() -> None:
    """docs/architecture.md's rooms and example files are real paths (hooks/, site_gen/ or the repository)."""
    text = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+/(?:[a-z_]+\.py)?|[a-z_]+(?:/[a-z_]+)*\.py)`", text))
    assert len(named) > 15, named
    named.discard("checks/owners.py")  # the walk-through's example check, to be written by the reader
    missing = [n for n in sorted(named)
               if not any((REPO_ROOT / base / n).exists() for base in ("hooks", "site_gen", "."))]
    assert missing == [], missing
