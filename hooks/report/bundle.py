"""The JSON manifest of a rendered bundle: what went in, with byte and estimated token counts.

The bundle itself is rendered by :mod:`govcell.derive.bundles.render` (the one
renderer, which the budgets measure too); ``govcell bundle`` writes both.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.derive.bundles.model import Bundle


def manifest(bundle: Bundle, fmt: str, text: str, output: str, bytes_per_token: float = 4.0) -> dict[str, object]:
    """What went into a rendered bundle, with byte and estimated token counts (deterministic)."""
    from govcell import __version__

    def tokens(n: int) -> int:
        return math.ceil(n / bytes_per_token)

    size = len(text.encode("utf-8"))
    return {
        "schema": "govcell.bundle-manifest/1",
        "govcell_version": __version__,
        "bundle": bundle.name,
        "kind": bundle.kind,
        "format": fmt,
        "output": output,
        "commit": bundle.commit,
        "max_bytes": bundle.max_bytes,
        "bytes": size,
        "estimated_tokens": tokens(size),
        "bytes_per_token": bytes_per_token,
        "files": [{"path": f.path, "bytes": f.size, "estimated_tokens": tokens(f.size),
                   "sha256": hashlib.sha256((f.text or "").encode("utf-8")).hexdigest()} for f in bundle.files],
        "omitted": [{"path": p, "bytes": s, "reason": r} for p, s, r in bundle.omitted],
        "skipped": [{"path": p, "reason": r} for p, r in bundle.skipped],
        "requirements": [lr.requirement.id for lr in bundle.links],
        "acs": [{"id": la.ac.id, "status": la.status, "scenarios": len(la.scenarios)}
                for lr in bundle.links for la in lr.acs],
        "missing_ids": list(bundle.missing_ids),
        "sections": [title for title, _ in bundle.sections],
    }
