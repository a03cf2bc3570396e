"""pre-commit hook ``test-results``: the configured test result files are readable and current."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.hookmain import hook_main

    return hook_main("test-results", argv)


if __name__ == "__main__":
    raise SystemExit(main())
