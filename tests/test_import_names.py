"""govcell installs under its own import names, so a project's own ``hooks`` package is left alone.

The repository keeps its folders ``hooks/`` and ``site_gen/``; installed, they
are ``govcell`` and ``govcell_site`` (setuptools ``package-dir``).  The end-to-end
test installs the built wheel into a fresh venv beside a project that has a
``hooks`` package of its own and runs that project's pytest with govcell's
plugin active.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


def test_no_module_imports_the_folder_names() -> None:
    """No source file imports ``hooks`` or ``site_gen``: those are folders, not import names."""
    offenders = []
    for path in sorted([*REPO_ROOT.glob("hooks/**/*.py"), *REPO_ROOT.glob("site_gen/**/*.py"),
                        *REPO_ROOT.glob("tests/**/*.py"), *REPO_ROOT.glob("bench/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(n.split(".")[0] in {"hooks", "site_gen"} for n in names):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.slow
def test_a_project_with_its_own_hooks_package_runs_its_pytest_with_govcell_installed(tmp_path: Path) -> None:
    wheels = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), "."], cwd=REPO_ROOT,
                           capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # govcell's dependencies come from this test run's environment (no network); govcell itself from its wheel.
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    (wheel,) = wheels.glob("*.whl")
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                              str(wheel)], capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr

    project = tmp_path / "project"
    (project / "hooks").mkdir(parents=True)
    (project / "hooks" / "__init__.py").write_text("WHOSE = 'the project'\n", encoding="utf-8")
    (project / "tests").mkdir()
    (project / "tests" / "test_own.py").write_text(
        "import pytest\nimport hooks\n\n\n@pytest.mark.ac('AC-OWN-001')\n"
        "def test_own_hooks_package():\n    assert hooks.WHOSE == 'the project'\n", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "--strict-markers"\npythonpath = ["."]\n'
        'govcell_results = "out/results.json"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    run = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                         capture_output=True, text=True, check=False, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    results = (project / "out" / "results.json").read_text(encoding="utf-8")
    assert "AC-OWN-001" in results, "govcell's plugin was not active"
    where = subprocess.run([str(python), "-c", "import govcell, govcell_site; print(govcell.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True, env=env).stdout
    assert where.strip().startswith(str(site)), where
