"""Reading ``specs/reviews.yaml``: the lines ``govcell review`` writes, read without a YAML parser.

A fully stamped 2,000-item cell has a reviews file of 2,300 lines, and the
``ac-tags`` hook reads it on every commit; the located YAML loader would spend
more on it than on the rest of the check's inputs but the ledger and features.
So a file in exactly the form ``govcell review`` writes (comment lines, ``format:``,
``reviews:``, then one ``- {ac: "…", proof: "…", fingerprint: "…"}`` per line, its
strings JSON-escaped) is read line by line; any other file, a hand-edited one
included, goes through the located loader and the model's validation as every
other file of the cell does, with the same findings.  Both give the same model.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.formats.reviews import ReviewsFile
    from govcell.load.sources import FileSource
    from govcell.load.validate import Loaded

_STRING = r'"(?:[^"\\]|\\.)*"'
_RECORD = re.compile(rf'  - \{{ac: ({_STRING}), proof: ({_STRING}), fingerprint: "([0-9a-f]{{16}})"\}}')


def load(source: FileSource, rel: str, max_bytes: int) -> Loaded[ReviewsFile]:
    """The reviews file at ``rel`` (absent: an empty model that is not present)."""
    from govcell.formats.reviews import ReviewsFile
    from govcell.load.validate import validate
    from govcell.load.yamlio import yaml_from_read

    read = source.read_text(rel, max_bytes=max_bytes, code="file")
    if read.text is not None and not read.diagnostics:
        fast = canonical(read.text, rel)
        if fast is not None:
            return fast
    return validate(ReviewsFile, yaml_from_read(read, rel, required=False), "reviews", empty_ok=True)


def canonical(text: str, rel: str) -> Loaded[ReviewsFile] | None:
    """The file read line by line when it is in the form ``govcell review`` writes, else None."""
    from govcell.formats.base import LOC_KEY
    from govcell.formats.reviews import REVIEWS_FORMAT, ReviewsFile
    from govcell.load.validate import Loaded
    from govcell.load.yamlio import LoadedYaml

    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    n = 0
    while n < len(lines) and (lines[n].startswith("#") or not lines[n].strip()):
        n += 1
    if lines[n:n + 1] != [f"format: {REVIEWS_FORMAT}"] or n + 1 >= len(lines):
        return None
    head = lines[n + 1]
    if head not in ("reviews:", "reviews: []") or (head == "reviews: []" and len(lines) > n + 2):
        return None
    records: list[dict[str, Any]] = []
    marks: dict[tuple[Any, ...], tuple[int, int]] = {(): (1, 1), ("format",): (n + 1, 9), ("reviews",): (n + 2, 1)}
    for i, line in enumerate(lines[n + 2:]):
        m = _RECORD.fullmatch(line)
        if m is None:
            return None
        try:
            ac, proof = json.loads(m.group(1)), json.loads(m.group(2))
        except ValueError:
            return None
        loc = ("reviews", len(records))
        marks[loc] = (n + 3 + i, 5)
        records.append({"ac": ac, "proof": proof, "fingerprint": m.group(3), LOC_KEY: loc})
    data = {"format": REVIEWS_FORMAT, "reviews": [{k: v for k, v in r.items() if k != LOC_KEY} for r in records]}
    model = ReviewsFile.model_validate({"format": REVIEWS_FORMAT, "reviews": records})
    return Loaded(LoadedYaml(rel, data=data, marks=marks), model, [])
