"""``make release VERSION=X.Y.Z``: bump the version, date the changelog, commit, tag vX.Y.Z, build.

The version lives in one place, ``hooks/__init__.py`` (pyproject.toml reads it
with ``dynamic = ["version"]``).  The entries under ``## Unreleased`` in
CHANGELOG.md become ``## X.Y.Z (date)``.  The work tree must be clean, the
version new and greater than the current one.  ``--no-build`` skips the sdist
and wheel (they go to ``dist/``); push with ``git push --follow-tags``.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION_FILE = ROOT / "hooks" / "__init__.py"
CHANGELOG = ROOT / "CHANGELOG.md"
_VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.M)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, X.Y.Z")
    parser.add_argument("--no-build", action="store_true", help="tag only; do not build sdist and wheel")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    version = args.version.removeprefix("v")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        print(f"release: {args.version!r} is not X.Y.Z", file=sys.stderr)
        return 2
    if _git("status", "--porcelain", "--untracked-files=no").strip():
        print("release: the work tree has uncommitted changes; commit or stash them first", file=sys.stderr)
        return 2
    text = VERSION_FILE.read_text(encoding="utf-8")
    current = _VERSION.search(text)
    assert current, f"no __version__ in {VERSION_FILE}"
    if _key(version) <= _key(current.group(1)):
        print(f"release: {version} is not newer than {current.group(1)}", file=sys.stderr)
        return 2
    if _git("tag", "--list", f"v{version}").strip():
        print(f"release: tag v{version} exists", file=sys.stderr)
        return 2
    log = CHANGELOG.read_text(encoding="utf-8")
    if "\n## Unreleased\n" not in log:
        print("release: CHANGELOG.md has no '## Unreleased' section", file=sys.stderr)
        return 2
    VERSION_FILE.write_text(_VERSION.sub(f'__version__ = "{version}"', text, count=1), encoding="utf-8")
    CHANGELOG.write_text(log.replace("\n## Unreleased\n", f"\n## Unreleased\n\n## {version} ({args.date})\n", 1),
                         encoding="utf-8")
    _git("add", str(VERSION_FILE), str(CHANGELOG))
    _git("commit", "-q", "-m", f"Release v{version}")
    _git("tag", "-a", f"v{version}", "-m", f"govcell {version}")
    print(f"release: tagged v{version}")
    if not args.no_build:
        subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", "dist", "."], cwd=ROOT,
                       check=True)
        print(f"release: dist/govcell-{version}.tar.gz and the wheel built; push with git push --follow-tags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
