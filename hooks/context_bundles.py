"""pre-commit hook ``context-bundles``: every contextpack bundle resolves safely within its budget."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.hookmain import hook_main

    return hook_main("context-bundles", argv)


if __name__ == "__main__":
    raise SystemExit(main())
