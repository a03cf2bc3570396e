"""A faster drive of gherkin-official's parser that builds exactly the same AST.

gherkin-official's generated parser routes every token-type test through
``handle_external_error`` (a call plus a ``try``, so that a matcher error is
recorded and parsing goes on) and rebuilds a dict of sixty bound methods for
every line it reads.  On the 800 feature files of an 8,000-item cell that
overhead is about a third of the parse.

:func:`parse` runs a subclass that calls the token matchers and the AST
builder directly and dispatches states through a table built once.  It only
ever *succeeds* on input the stock parser also accepts with the same AST: any
error (a matcher or builder exception, or an unexpected token the parser
records) makes it give up, and the stock parser then parses the text again so
that the error findings are exactly gherkin's own.  Errors are rare; valid
files are the common case the fast path serves.
"""

from __future__ import annotations

import functools
from typing import Any

#: gherkin's token types: each has a ``match_<type>`` on both the parser and the token matcher.
TOKEN_TYPES = ("EOF", "Empty", "Comment", "TagLine", "FeatureLine", "RuleLine", "BackgroundLine",
               "ScenarioLine", "ExamplesLine", "StepLine", "DocStringSeparator", "TableRow", "Language",
               "Other")


class _GiveUp(Exception):
    """The fast path met an error: the stock parser must report it."""


@functools.cache
def _fast_parser_class() -> type:
    from gherkin.parser import Parser
    from gherkin.token_matcher import TokenMatcher

    ns: dict[str, Any] = {}
    for name in TOKEN_TYPES:
        ns["match_" + name] = _direct_match(getattr(TokenMatcher, "match_" + name), eof_ok=name == "EOF")
    states = {int(attr.rsplit("_", 1)[1]): getattr(Parser, attr) for attr in dir(Parser)
              if attr.startswith("match_token_at_")}
    table = [states.get(i) for i in range(max(states) + 1)]

    def match_token(self: Any, state: int, token: Any, context: Any) -> int:
        fn = table[state] if 0 <= state < len(table) else None
        if fn is None:
            raise _GiveUp(f"unknown state {state}")
        next_state: int = fn(self, token, context)
        return next_state

    def start_rule(self: Any, context: Any, rule_type: str) -> None:
        self.ast_builder.start_rule(rule_type)

    def end_rule(self: Any, context: Any, rule_type: str) -> None:
        self.ast_builder.end_rule(rule_type)

    def build(self: Any, context: Any, token: Any) -> None:
        self.ast_builder.build(token)

    def add_error(self: Any, context: Any, error: Exception) -> None:
        raise _GiveUp(str(error))

    ns.update(match_token=match_token, start_rule=start_rule, end_rule=end_rule, build=build, add_error=add_error)
    return type("FastGherkinParser", (Parser,), ns)


def _direct_match(matcher: Any, *, eof_ok: bool) -> Any:
    if eof_ok:
        def match(self: Any, context: Any, token: Any) -> bool:
            matched: bool = matcher(context.token_matcher, token)
            return matched
    else:
        def match(self: Any, context: Any, token: Any) -> bool:
            if token.eof():
                return False
            matched: bool = matcher(context.token_matcher, token)
            return matched
    return match


def parse(text: str) -> Any:
    """gherkin's ``GherkinDocument`` for ``text``; raises gherkin's own exceptions on errors."""
    from gherkin.parser import Parser
    from gherkin.token_scanner import TokenScanner

    try:
        return _fast_parser_class()().parse(TokenScanner(text))
    except Exception:  # noqa: BLE001 - any trouble: let the stock parser say exactly what is wrong
        return Parser().parse(TokenScanner(text))
