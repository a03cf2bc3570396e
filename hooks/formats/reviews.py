"""``specs/reviews.yaml``: which proof of which AC was last reviewed against which meaning.

``govcell review`` writes it; people read its diffs.  One record per line: an
AC, one of its proofs (a scenario or a test mapping) someone confirmed proves it,
and the fingerprint of the AC's meaning at that review
(:func:`govcell.derive.suspect.meaning`), sorted by AC and proof.  When the AC's meaning changes, a
proof stamped with the old fingerprint is *suspect* until reviewed again.

A file of its own rather than a field on the ledger's test mappings, because
scenarios prove ACs by their tags and have no mapping to carry a field, because
a tool writes stamps and a tool rewriting the hand-written ledger would lose its
comments and layout, and because a review stamp and a change of meaning are
then two different diffs a reviewer can tell apart.

This module is only the model; reading, judging and writing live in
:mod:`govcell.derive.suspect`.
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal

from pydantic import Field

from govcell.formats.base import FormatModel, Text

REVIEWS_FORMAT: Final = "govcell.reviews/1"
#: 16 lower-case hex digits, like a finding's fingerprint
FINGERPRINT_PATTERN = r"^[0-9a-f]{16}$"


class ProofReview(FormatModel):
    """One proof of an AC and the meaning it was last reviewed against."""

    item_label: ClassVar[str] = "review"
    ac: Text = Field(description="the AC's ID")
    proof: Text = Field(description="the proof: 'scenario FILE: NAME' (a rule's scenarios 'scenario FILE: RULE > "
                                    "NAME') or 'TYPE FILE::TEST' for a test mapping; ' #2' marks a second one of "
                                    "the same name")
    fingerprint: Text = Field(pattern=FINGERPRINT_PATTERN,
                              description="fingerprint of the AC's meaning (its normalised text and ADRs) when this "
                                          "proof was reviewed")


class ReviewsFile(FormatModel):
    """``specs/reviews.yaml`` (``paths.reviews``), written by ``govcell review``."""

    item_label: ClassVar[str] = "reviews file"
    format: Literal["govcell.reviews/1"] = Field("govcell.reviews/1", description="the version of this format")
    reviews: list[ProofReview] = Field(default_factory=list,
                                       description="one record per reviewed proof, sorted by AC and proof")
