"""A release anyone can pin: the package passes PyPI's checks, ``make release`` tags it, autoupdate finds the tag."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, git, init_git

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env})


def test_package_passes_pypi_checks(tmp_path: Path) -> None:
    """validate-pyproject, twine check --strict and check-wheel-contents pass.

    The build prints no setuptools warning but one: ``[tool.setuptools.ext-modules]`` (the optional C
    builder of located YAML) is still marked experimental, so pyproject.toml holds setuptools to the
    releases it was tested with; a top-level setup.py, the stable alternative, is outside the
    repository's fixed shape."""
    build = _run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(tmp_path), "."], REPO_ROOT)
    assert build.returncode == 0, build.stdout + build.stderr
    log = build.stdout + build.stderr
    known = ("byte-compiling is disabled",
             "`[tool.setuptools.ext-modules]` in `pyproject.toml` is still *experimental*")
    noisy = [ln for ln in log.splitlines() if "warning" in ln.lower() and not any(k in ln for k in known)]
    assert noisy == [], "\n".join(noisy)
    dists = sorted(str(p) for p in tmp_path.iterdir())
    (wheel,) = [d for d in dists if d.endswith(".whl")]
    for args in ([str(BIN / "validate-pyproject"), str(REPO_ROOT / "pyproject.toml")],
                 [str(BIN / "twine"), "check", "--strict", *dists],
                 [str(BIN / "check-wheel-contents"), wheel]):
        proc = _run(args, REPO_ROOT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert {"govcell/py.typed", "govcell_site/py.typed"} <= set(names)
    assert not any(n.startswith(("hooks/", "site_gen/")) for n in names), \
        "the folders install under govcell's own names"
    assert any(n.endswith("licenses/LICENSE") for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Project-URL: Homepage, https://govcell.dev" in meta and "Framework :: Pre-commit" not in meta
    # the long description is the page written for PyPI readers (docs/pypi.md), not the developers' README
    assert "Description-Content-Type: text/markdown" in meta
    assert "**The governance kernel of a repository**" in meta and "make demo" not in meta


def test_make_release_then_autoupdate_pins_the_tag(govcell_snapshot: tuple[Path, str], tmp_path: Path) -> None:
    """make release VERSION=X.Y.Z tags a clone; a consumer pinned to v0.1.0 is moved to it by pre-commit autoupdate."""
    snapshot, _ = govcell_snapshot
    clone = tmp_path / "govcell"
    git(tmp_path, "clone", "-q", str(snapshot), str(clone))
    git(clone, "config", "user.name", "t")
    git(clone, "config", "user.email", "t@example.invalid")
    from govcell import __version__

    git(clone, "tag", f"v{__version__}")
    major, minor, _patch = (int(p) for p in __version__.split("."))
    new = f"{major}.{minor + 1}.0"
    # The Makefile's target, with this venv (the clone has none): the same script, --no-build for speed.
    release = _run([sys.executable, ".ci/release.py", new, "--no-build", "--date", "2030-01-02"], clone)
    assert release.returncode == 0, release.stdout + release.stderr
    assert f'__version__ = "{new}"' in (clone / "hooks/__init__.py").read_text(encoding="utf-8")
    changelog = (clone / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## Unreleased\n\n## {new} (2030-01-02)\n" in changelog
    assert git(clone, "tag", "--points-at", "HEAD").split() == [f"v{new}"]
    again = _run([sys.executable, ".ci/release.py", new, "--no-build"], clone)
    assert again.returncode == 2 and "not newer" in again.stderr
    make = _run(["make", "-n", "release", f"VERSION={new}"], clone)
    assert make.returncode == 0 and f".ci/release.py {new}" in make.stdout, make.stdout + make.stderr

    consumer = tmp_path / "consumer"
    consumer.mkdir()
    init_git(consumer)
    config = consumer / ".pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {clone}\n    rev: v{__version__}\n    hooks:\n      - id: spec-ledger\n",
                      encoding="utf-8")
    update = _run([str(BIN / "pre-commit"), "autoupdate"], consumer, PRE_COMMIT_HOME=str(tmp_path / "pc-home"))
    assert update.returncode == 0, update.stdout + update.stderr
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["repos"][0]["rev"] == f"v{new}", update.stdout


def test_docs_tell_users_to_pin_a_tag() -> None:
    text = (REPO_ROOT / "docs/getting-started.md").read_text(encoding="utf-8")
    assert "--rev v" in text and "pre-commit autoupdate" in text


def test_without_a_compiler_the_package_installs_and_checks_alike(tmp_path: Path) -> None:
    """The C builder of located YAML is optional: with no working compiler the wheel (built from the
    sdist, as pip builds it) has no extension, installs, and its ``govcell check`` prints what this
    install's prints."""
    from tests.test_cache import _cell, _edit

    build = _run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), "."], REPO_ROOT, CC="/bin/false")
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    import zipfile

    assert not [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith((".so", ".pyd"))]
    target = tmp_path / "site"
    install = _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    cell = _cell(tmp_path / "cell")
    _edit(cell, "specs/spec_ledger.yaml", "title:", "titel:")
    # says which govcell ran and whether it had the C builder, then runs `govcell check`
    code = ("import sys; from govcell.load.yaml_events import _compiled_builder as c; "
            "from govcell.load.yaml_loader import fast_loader as f; from govcell.entry.console import govcell; "
            "print(sys.modules['govcell'].__file__, c(f()) is not None, file=sys.stderr); sys.exit(govcell())")
    pure, here = (_run([sys.executable, "-c", code, "check", "--format", "json"], cell,
                       GOVCELL_NO_CACHE="1", PYTHONPATH=path) for path in (str(target), ""))
    assert f"{target}/govcell/__init__.py False" in pure.stderr, pure.stderr
    assert str(target) not in here.stderr
    assert "Traceback" not in pure.stderr + here.stderr
    assert (pure.stdout, pure.returncode) == (here.stdout, here.returncode) and pure.returncode == 1
