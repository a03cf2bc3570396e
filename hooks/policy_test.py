"""pre-commit hook ``policy-test``: Rego policies compile, pass their fixtures and targets, have no dead rules."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.hookmain import hook_main

    return hook_main("policy-test", argv)


if __name__ == "__main__":
    raise SystemExit(main())
