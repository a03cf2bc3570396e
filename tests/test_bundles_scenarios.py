"""Executes features/bundles.feature (the ACs of the context bundles story)."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import xml.etree.ElementTree as ET

from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import CellBuilder, git, init_git, run_command

scenarios("bundles.feature")

#: Built by concatenation so this test file never looks like it holds a key itself.
PRIVATE_KEY_BEGIN = "-----BEGIN " + "RSA PRIVATE KEY-----"
PRIVATE_KEY_END = "-----END " + "RSA PRIVATE KEY-----"
AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"


@given("all files are committed")
def _commit_all(cell: CellBuilder) -> None:
    if not (cell.root / ".git").exists():
        init_git(cell.root)
    git(cell.root, "add", "-A")
    git(cell.root, "commit", "-q", "-m", "cell")


@given(parsers.parse('the untracked file "{rel}":'))
def _untracked(cell: CellBuilder, rel: str, docstring: str) -> None:
    cell.write(rel, docstring + "\n")


@given("the directory is not a git repository")
def _not_git(cell: CellBuilder) -> None:
    proc = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=cell.root, capture_output=True,
                          check=False)
    assert proc.returncode != 0, "the test cell must not be inside a git work tree"


@given(parsers.parse('a binary file "{rel}"'))
def _binary(cell: CellBuilder, rel: str) -> None:
    cell.write(rel, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


@given(parsers.parse('a non-UTF-8 file "{rel}"'))
def _latin1(cell: CellBuilder, rel: str) -> None:
    cell.write(rel, "first line\ncaf\xe9\n".encode("latin-1"))


@given(parsers.parse('a symlink "{rel}" to "{target}"'))
def _symlink(cell: CellBuilder, rel: str, target: str) -> None:
    link = cell.root / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)


@given(parsers.parse('a private key in "{rel}" at line {line:d}'))
def _private_key(cell: CellBuilder, rel: str, line: int) -> None:
    before = "".join(f"# line {n}\n" for n in range(1, line))
    cell.write(rel, before + PRIVATE_KEY_BEGIN + "\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
               + PRIVATE_KEY_END + "\n")


@given(parsers.parse('an AWS access key in "{rel}" at line {line:d}'))
def _aws_key(cell: CellBuilder, rel: str, line: int) -> None:
    before = "".join(f"line {n}\n" for n in range(1, line))
    cell.write(rel, before + f"aws_access_key_id = {AWS_KEY}\n")


@given(parsers.parse('a generated file "{rel}" of {size:d} bytes'))
def _generated(cell: CellBuilder, rel: str, size: int) -> None:
    chunk = "var generated = 1;\n"
    text = (chunk * (size // len(chunk) + 1))[:size]
    cell.write(rel, text)


# --------------------------------------------------------------------------- outcomes


def carried(text: str) -> list[str]:
    """The paths of the file blocks of a Markdown bundle, in order."""
    return [json.loads(m[1:]) if m.startswith(" \"") else m.strip()[1:-1]
            for m in re.findall(r"^###( .+?) \(\d+ bytes\)$", text, flags=re.M)]


@then(parsers.parse('the bundle "{rel}" carries exactly "{paths}"'))
def _carries(cell: CellBuilder, rel: str, paths: str) -> None:
    text = (cell.root / rel).read_text(encoding="utf-8")
    assert carried(text) == [p.strip() for p in paths.split(",")], text


@then(parsers.parse('the file "{rel}" contains "{needle}"'))
def _file_contains(cell: CellBuilder, rel: str, needle: str) -> None:
    text = (cell.root / rel).read_text(encoding="utf-8")
    assert needle in text, text


@then(parsers.parse('the file "{rel}" does not exist'))
def _file_absent(cell: CellBuilder, rel: str) -> None:
    assert not (cell.root / rel).exists()
    assert not (cell.root / (rel + ".manifest.json")).exists()


@then(parsers.parse('the file "{rel}" is at most {size:d} bytes'))
def _at_most(cell: CellBuilder, rel: str, size: int) -> None:
    assert (cell.root / rel).stat().st_size <= size


@then(parsers.parse('the manifest "{rel}" counts the bytes and tokens of "{paths}"'))
def _manifest(cell: CellBuilder, rel: str, paths: str) -> None:
    doc = json.loads((cell.root / rel).read_text(encoding="utf-8"))
    bundle = cell.root / doc["output"]
    assert doc["bytes"] == bundle.stat().st_size
    assert doc["estimated_tokens"] == math.ceil(doc["bytes"] / 4)
    assert [f["path"] for f in doc["files"]] == [p.strip() for p in paths.split(",")]
    for f in doc["files"]:
        assert f["bytes"] == (cell.root / f["path"]).stat().st_size
        assert f["estimated_tokens"] == math.ceil(f["bytes"] / 4)
    assert doc["commit"] == git(cell.root, "rev-parse", "HEAD").strip()


@then(parsers.parse('"{rel}" is well-formed XML whose file "{path}" holds the file\'s exact content'))
def _xml(cell: CellBuilder, rel: str, path: str) -> None:
    root = ET.parse(cell.root / rel).getroot()
    files = {el.get("path"): el.text for el in root.iter("file")}
    assert files[path] == (cell.root / path).read_text(encoding="utf-8")


@then(parsers.parse('running "{command}" again writes byte-identical files'))
def _deterministic(cell: CellBuilder, command: str) -> None:
    out = cell.root / ".llm" / "bundle"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run_command(command, cell.root)
    assert result.code == 0, result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@then(parsers.parse('every file of the AC is either carried or listed as left out in "{rel}"'))
def _nothing_silent(cell: CellBuilder, rel: str) -> None:
    text = (cell.root / rel).read_text(encoding="utf-8")
    body, _, tail = text.partition("## Not included")
    assert tail, "expected a 'Not included' section"
    for path in ("features/pay.feature", "tests/test_pay.py", "docs/adr/0001-payments.md"):
        assert (path in carried(body)) != (f"- `{path}` (" in tail), path
