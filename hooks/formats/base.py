"""Shared pydantic building blocks for every govcell file format.

Two bases, for two kinds of file:

* ``FormatModel`` for the cell's own files (ledger, tasks, flows, contextpack).
  Real files grow keys over time, and the Rust template's kernel reads them with
  serde, which ignores keys it does not know.  So an unknown key is *kept* as an
  extension field (``model.extensions``) and reported at a low severity by the
  loader (``govcell.load.validate``), unless it is a near miss of a known key
  (``titel``), which stays an error with "did you mean".
* ``StrictModel`` for govcell's own configuration, where any unknown key is an
  error: nothing else reads it, so an unknown key can only be a mistake.

Both accept the lenient shapes real files use (a string where a list is usual, a
number where a string is meant).  Every model validated by the loader knows where
it was written (``model.loc``, the YAML path of its mapping), so positions stay
right even when invalid siblings were dropped.
"""

from __future__ import annotations

import re

from typing import Annotated, Any, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema

#: Marks an optional field that carries an item's meaning (an AC's ``text``): it may be
#: absent, but a wrong value invalidates the whole item rather than resetting the field.
ESSENTIAL: dict[str, Any] = {"x-govcell-essential": True}

#: The key under which the loader passes an item's YAML path to pydantic.  It is not
#: a valid YAML key of any format (the loader adds it to its own copy of the data).
LOC_KEY = "\x00loc"


class _Located(BaseModel):
    """Where the model's mapping was written, and its extension fields."""

    @property
    def loc(self) -> tuple[Any, ...]:
        """The YAML path of this item in its file (``()`` when not loaded from a file)."""
        extra = self.__pydantic_extra__
        return tuple(extra.get(LOC_KEY, ())) if extra else ()

    @property
    def extensions(self) -> dict[str, Any]:
        """Keys the format does not define, kept as written (shown on the site, given to policies)."""
        extra = self.__pydantic_extra__
        if not extra:
            return {}
        return {k: v for k, v in extra.items() if k != LOC_KEY}


class FormatModel(_Located):
    """Base of the cell's file formats: unknown keys are kept as extension fields."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False, defer_build=True)


class StrictModel(_Located):
    """Base of govcell's configuration: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False, defer_build=True)


class _NumbersAsText:
    """Makes a ``str`` field take an unquoted YAML number as its text (``1.0`` -> ``"1.0"``).

    pydantic-core's own ``coerce_numbers_to_str`` does it inside the validator
    (``str(value)`` of an int or float; a bool or null is still not a string), so
    the thousands of text fields of a large ledger need no Python call each.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)
        if schema["type"] == "str":
            cast("dict[str, Any]", schema)["coerce_numbers_to_str"] = True
        return schema


def _to_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


#: A string that also accepts an unquoted YAML number (``schema_version: 1.0``).
Text = Annotated[str, _NumbersAsText]
#: A list of strings that also accepts a single string or null.
StrList = Annotated[list[Text], BeforeValidator(_to_list)]


def natural_key(ident: str) -> tuple[Any, ...]:
    """Sort key of IDs that puts AC-X-9 before AC-X-10 (and is total and stable)."""
    return tuple([(0, int(p), "") if p.isdigit() else (1, 0, p) for p in _DIGIT_RUNS(ident)])


#: Splits an ID into its runs of digits and the text between them (natural_key sorts every AC by it).
_DIGIT_RUNS = re.compile(r"(\d+)").split


def as_list(value: str | list[str] | None) -> list[str]:
    """Normalise a string-or-list field (``adr: ADR-0001`` or ``adr: [..]``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)
