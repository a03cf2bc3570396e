"""pre-commit hook ``governance-graph``: the cell's graph invariants hold."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.hookmain import hook_main

    return hook_main("governance-graph", argv)


if __name__ == "__main__":
    raise SystemExit(main())
