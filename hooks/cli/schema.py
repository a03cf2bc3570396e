"""``govcell schema NAME``: the JSON Schema of a govcell file format (docs/schema/*.json)."""

from __future__ import annotations

import argparse
from typing import Any

from govcell.cli import options


def add_parser(sub: Any) -> None:
    from govcell.formats.schema import names

    p = options.command(sub, "schema", command, help="print the JSON Schema of a govcell file format")
    p.add_argument("name", choices=names())
    options.out(p, "the schema")


def command(args: argparse.Namespace) -> int:
    from govcell.formats.schema import schema_text

    return options.emit(schema_text(args.name), args.out, what="schema")
