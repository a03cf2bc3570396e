"""flake.nix: the optional Nix devshell offers what the README promises, and parses."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT

FLAKE = (REPO_ROOT / "flake.nix").read_text(encoding="utf-8")


def test_devshell_has_python_pre_commit_and_the_go_rego_tools() -> None:
    for package in ("pkgs.python311", "pkgs.pre-commit", "pkgs.open-policy-agent", "pkgs.conftest"):
        assert package in FLAKE, package
    assert "pip install -q -e '.[test]'" in FLAKE  # the project's dependencies, from pyproject.toml


@pytest.mark.skipif(shutil.which("nix-instantiate") is None, reason="nix is not installed")
def test_flake_parses() -> None:
    proc = subprocess.run(["nix-instantiate", "--parse", str(REPO_ROOT / "flake.nix")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
