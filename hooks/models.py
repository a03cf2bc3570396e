"""Shared pydantic building blocks for every govcell file format.

All file formats forbid unknown keys (a typo must be loud, not ignored) and
accept the lenient shapes real files use (a string where a list is usual, a
number where a string is meant).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class StrictModel(BaseModel):
    """Base of every file-format model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


def _to_str(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _to_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


#: A string that also accepts an unquoted YAML number (``schema_version: 1.0``).
Text = Annotated[str, BeforeValidator(_to_str)]
#: A list of strings that also accepts a single string or null.
StrList = Annotated[list[Text], BeforeValidator(_to_list)]


def as_list(value: str | list[str] | None) -> list[str]:
    """Normalise a string-or-list field (``adr: ADR-0001`` or ``adr: [..]``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)
