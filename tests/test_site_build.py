"""govcell site build on this repository itself (slow: a real mkdocs build)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, run_command

#: a resource the browser would fetch (not a plain link) from another host
REMOTE = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", re.I)


@pytest.mark.slow
def test_own_site_builds_strict(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_command(f"govcell site build --out {out} --strict", REPO_ROOT)
    assert result.code == 0, result.output
    for rel in ("index.html", "guide/index.html", "governance/index.html", "governance/acs/index.html",
                "governance/stories/US-SITE-001/index.html", "governance/traceability.csv",
                "governance/schema/ledger.json", "assets/govcell/govcell.js"):
        assert (out / rel).is_file(), rel
    story = (out / "governance/stories/US-SITE-001/index.html").read_text(encoding="utf-8")
    assert "AC-SITE-008" in story and "<svg" in story
    # Nothing of the site comes from elsewhere: no web fonts, no CDN scripts or styles.
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        assert not REMOTE.search(html), f"{page}: {REMOTE.search(html)}"
