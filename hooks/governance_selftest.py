"""pre-commit hook ``governance-selftest``: every check in one process (the CI selftest).

One process loads the cell once and runs every check, so CI pays the start-up
and parsing cost a single time, and a finding owned by two checks is reported
once.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.hookmain import hook_main

    return hook_main(None, argv, prog="govcell-governance-selftest")


if __name__ == "__main__":
    raise SystemExit(main())
