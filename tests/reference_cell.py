"""The reference cell: a copy of the public Rust service template at one commit (MIT / Apache-2.0).

Its files are data: tests unpack it into a temporary directory and commit it, as a
user's checkout would be, and never copy any of it into this repository.
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from tests.conftest import git, init_git

TARBALL = Path(__file__).resolve().parents[1].parent / "shared/reference-cells/rust-template-3debe49.tar.gz"


def unpack(dest: Path) -> Path:
    """The template unpacked under ``dest`` and committed; returns its root."""
    if not TARBALL.is_file():
        pytest.skip(f"the reference cell {TARBALL} is not here (it lives beside the repository, in ../shared/)")
    with tarfile.open(TARBALL) as tar:
        tar.extractall(dest, filter="data")
    (root,) = [p for p in dest.iterdir() if p.is_dir()]
    init_git(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the template as it is")
    return root


@pytest.fixture(scope="session")
def reference_cell_pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One unpacked, committed copy per session: never change it, copy it (``reference_cell``)."""
    return unpack(tmp_path_factory.mktemp("reference-cell"))


@pytest.fixture
def reference_cell(reference_cell_pristine: Path, tmp_path: Path) -> Path:
    """A private, committed checkout of the template for one test."""
    dest = tmp_path / reference_cell_pristine.name
    shutil.copytree(reference_cell_pristine, dest, symlinks=True)
    return dest
