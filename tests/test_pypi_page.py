"""The package's PyPI page is written for people installing govcell, and nothing shipped cites the workplace.

The slow ``tests/test_release.py`` builds the package and runs ``twine check --strict`` on it.
"""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest

from tests.conftest import REPO_ROOT

PAGE = REPO_ROOT / "docs/pypi.md"


@pytest.mark.ac("AC-ADOPT-075")
def test_the_pypi_page_is_for_people_installing_govcell() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["readme"] == {"file": "docs/pypi.md", "content-type": "text/markdown"}
    text = PAGE.read_text(encoding="utf-8")
    assert "pip install govcell" in text and "govcell init" in text and "pre-commit install" in text
    assert "make " not in text and ".venv" not in text  # a developer's checkout is not the reader's
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links and all(u.startswith("https://") for u in links), [u for u in links if not u.startswith("https://")]
    # every hook of the manifest is on the page
    import yaml

    hooks = [h["id"] for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())]
    assert all(f"`{h}`" in text for h in hooks)


@pytest.mark.ac("AC-ADOPT-075")
def test_nothing_shipped_cites_the_workplace() -> None:
    """The package, its hook manifest and the published docs name files a user has: never the
    design notes or the shared folder beside this checkout."""
    tracked = subprocess.run(["git", "ls-files", "hooks", "site_gen", "docs", "bench", ".pre-commit-hooks.yaml",
                              "README.md", "CHANGELOG.md", "pyproject.toml", "mkdocs.yml"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    workplace = re.compile(r"DESIGN\.md|\.\./shared\b")
    citing = [rel for rel in tracked if (REPO_ROOT / rel).is_file()
              and workplace.search((REPO_ROOT / rel).read_text(encoding="utf-8", errors="replace"))]
    assert citing == []
