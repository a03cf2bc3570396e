"""pre-commit hook ``spec-ledger``: the ledger (and tasks/flows files) are valid."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.hookmain import hook_main

    return hook_main("spec-ledger", argv)


if __name__ == "__main__":
    raise SystemExit(main())
