"""The package's size limits: no module over 400 lines, no function over 60, unless a comment says why.

A function is exempt when its ``def`` line carries ``# long: <why>``; a module
when one of its first five lines carries ``# long module: <why>``.  Tests are
not measured.
"""

from __future__ import annotations

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hooks", "site_gen")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def offenders(root: Path = ROOT) -> list[str]:
    """Every module and function over its limit without a comment saying why, as ``path[:line] what``."""
    out: list[str] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            if len(lines) > MAX_MODULE_LINES and not any("# long module:" in ln for ln in lines[:5]):
                out.append(f"{rel} has {len(lines)} lines (limit {MAX_MODULE_LINES})")
            for node in ast.walk(ast.parse(text, rel)):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES and "# long:" not in lines[node.lineno - 1]:
                    out.append(f"{rel}:{node.lineno} {node.name} has {length} lines (limit {MAX_FUNCTION_LINES})")
    return out


def test_no_module_or_function_over_the_limits() -> None:
    found = offenders()
    assert not found, "split these, or say why on the def line (# long: why):\n" + "\n".join(found)


def test_the_measure_sees_a_long_function_and_its_exemption(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "hooks").mkdir()
    (tmp_path / "site_gen").mkdir()
    (tmp_path / "hooks" / "a.py").write_text(f"def long():\n{body}\n\ndef fine():  # long: a table\n{body}")
    (tmp_path / "site_gen" / "b.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    assert offenders(tmp_path) == [f"hooks/a.py:1 long has {MAX_FUNCTION_LINES + 1} lines (limit 60)",
                                   f"site_gen/b.py has {MAX_MODULE_LINES + 1} lines (limit 400)"]
