"""gherkin-official's own grammar, driven cheaply, building only the skeleton the feature index reads.

gherkin-official's parser is pure Python and does much more per line than
govcell needs: a ``Token`` and a ``GherkinLine`` per line, every token-type
test routed through ``handle_external_error`` (a call and a ``try``),
``_set_token_matched`` filling eight attributes per match, and an AST node,
an ID and a dict for every step, cell, row and description line.  The index
(:mod:`govcell.load.features`) reads only the skeleton: the feature, its
rules, backgrounds, scenarios and examples -- their keywords, names,
positions, tags and the number of example rows.  On the 800 feature files of
an 8,000-item cell the stock parse was two thirds of all feature work.

:func:`parse` runs gherkin's **own generated state functions** (so the
grammar, including its look-aheads, is exactly the installed gherkin's), with

* token tests that answer as gherkin's ``TokenMatcher`` does (the same
  keywords of the same dialect, the same docstring-separator and
  ``# language:`` rules, tag lines split by gherkin's own ``GherkinLine``),
  without filling tokens, and
* a builder that keeps only the skeleton, in the AST's own shape (``feature``
  → ``children`` of ``background`` / ``scenario`` / ``rule``, ``tags`` with
  their ``location``, ``examples`` with their ``tableBody`` rows).

It only ever *succeeds* where the stock parser succeeds with the same
skeleton: any error gherkin would record (an unexpected token, a tag with
whitespace, an unknown language, an inconsistent table) or anything else
unexpected makes it give up, and the stock parser parses the text again, so
that error findings are exactly gherkin's.  A property test holds the index
built from either to be equal, and that a file gherkin accepts never falls
back; it passes with gherkin-official 29.0.0, 32.1.0, 34.0.0, 37.0.0, 40.0.0
and 42.0.1 (the versions ``pyproject.toml`` allows span 29 to 42: some call
``token.detach()`` in their look-aheads, and older ones split table cells with
a method, not a static method).
"""

from __future__ import annotations

import functools
from collections import deque
from typing import Any

#: The rules (of those gherkin starts and ends) whose contents the index never reads: a step with its
#: docstring, and descriptions.  A step's data table is still ended on its own, so that a table whose rows
#: differ in length gives up as gherkin's AstBuilder does.
_UNREAD = frozenset({"Step", "DocString", "Description"})


class _GiveUp(Exception):
    """Something the stock parser must judge (it reports the error, or parses what this could not)."""


class _Line:
    """One line of the file: what gherkin's ``GherkinLine`` and ``Token`` hold that the grammar asks."""

    __slots__ = ("_tags", "dialect", "eof", "indent", "matched_type", "number", "raw", "text")

    def detach(self) -> None:
        """Some gherkin versions' look-aheads call ``token.detach()``: nothing to detach here."""

    def __init__(self, raw: str | None, number: int) -> None:
        self.raw = raw
        self.number = number
        self.eof = raw is None
        self.text = "" if raw is None else raw.lstrip()
        self.indent = 0 if raw is None else len(raw) - len(self.text)
        self.matched_type: str | None = None
        self.dialect = ""
        self._tags: list[dict[str, Any]] | None = None

    def tags(self) -> list[dict[str, Any]]:
        """gherkin's own tag split of this line (``ParserException`` for a tag with whitespace)."""
        if self._tags is None:
            from gherkin.gherkin_line import GherkinLine

            self._tags = [{"location": {"line": self.number, "column": item["column"]}, "name": item["text"]}
                          for item in GherkinLine(self.raw or "", self.number).tags]
        return self._tags


class _Dialect:
    """A gherkin dialect's keywords, indexed for one-lookup matching.

    A title line matches keyword ``k`` when its text starts with ``k + ":"``;
    no keyword of any dialect holds a colon, so that is the text before the
    first colon being ``k`` (checked: a dialect with such a keyword gives up).
    """

    def __init__(self, name: str) -> None:
        from gherkin.dialect import Dialect

        dialect = Dialect.for_name(name)
        if dialect is None:
            raise _GiveUp(f"no such language {name}")  # gherkin raises NoSuchLanguageException
        self.name = name
        titles = (dialect.feature_keywords, dialect.rule_keywords, dialect.background_keywords,
                  dialect.scenario_keywords + dialect.scenario_outline_keywords, dialect.examples_keywords)
        if any(":" in k for group in titles for k in group):
            raise _GiveUp("a keyword holds a colon")
        self.feature, self.rule, self.background, self.scenario, self.examples = (
            frozenset(group) for group in titles)
        steps = sorted(dialect.given_keywords + dialect.when_keywords + dialect.then_keywords
                       + dialect.and_keywords + dialect.but_keywords, key=len, reverse=True)
        self.steps_by_first: dict[str, tuple[str, ...]] = {}
        for k in steps:
            self.steps_by_first[k[:1]] = self.steps_by_first.get(k[:1], ()) + (k,)

    @staticmethod
    def head(line: _Line) -> str | None:
        """The text before the line's first colon (a title keyword, if the line is a title line)."""
        text = line.text
        colon = text.find(":")
        return text[:colon] if colon > 0 else None


@functools.cache
def _dialect(name: str) -> _Dialect:
    return _Dialect(name)


@functools.cache
def _skeleton_parser_class() -> type:  # long: one method per gherkin token type, each as gherkin's TokenMatcher
    import re

    from gherkin.parser import Parser
    from gherkin.token_matcher import TokenMatcher

    language_re: re.Pattern[str] = TokenMatcher.LANGUAGE_RE
    states = {int(attr.rsplit("_", 1)[1]): getattr(Parser, attr) for attr in dir(Parser)
              if attr.startswith("match_token_at_")}
    table = [states.get(i) for i in range(max(states) + 1)]

    def matched(token: _Line, kind: str, self: Any) -> bool:
        token.matched_type = kind
        token.dialect = self.dialect.name
        return True

    def title(attr: str, kind: str) -> Any:
        def match(self: Any, context: Any, token: _Line) -> bool:
            if token.eof:
                return False
            head = _Dialect.head(token)
            return head is not None and head in getattr(self.dialect, attr) and matched(token, kind, self)
        return match

    class SkeletonMethods:
        """What replaces gherkin's token matcher and AST builder under its own state functions (see the module)."""

        def __init__(self, text: str) -> None:
            self.stop_at_first_error = False
            self.dialect = _dialect("en")
            self.docstring: str | None = None  # the open docstring's separator
            self.stack: list[tuple[str, dict[str, list[Any]]]] = [("None", {})]
            self.lines = text.split("\n")
            if self.lines and self.lines[-1] == "":
                self.lines.pop()  # the text ends with a newline: no line after it
            self.next_line = 0

        def run(self) -> dict[str, Any]:
            context = _Context()
            self.start_rule(context, "GherkinDocument")
            state = 0
            while True:
                token = self.read_token(context)
                state = self.match_token(state, token, context)
                if token.eof:
                    break
            self.end_rule(context, "GherkinDocument")
            doc: dict[str, Any] = self.stack[-1][1]["GherkinDocument"][0]
            return doc

        def read_token(self, context: Any) -> _Line:
            if context.token_queue:
                queued: _Line = context.token_queue.popleft()
                return queued
            i = self.next_line
            self.next_line = i + 1
            return _Line(self.lines[i] if i < len(self.lines) else None, i + 1)

        def match_token(self, state: int, token: _Line, context: Any) -> int:
            fn = table[state] if 0 <= state < len(table) else None
            if fn is None:
                raise _GiveUp(f"unknown state {state}")
            next_state: int = fn(self, token, context)
            return next_state

        def add_error(self, context: Any, error: Exception) -> None:
            raise _GiveUp(str(error))

        # -- token tests: TokenMatcher's answers, without filling the token --

        def match_EOF(self, context: Any, token: _Line) -> bool:
            return token.eof and matched(token, "EOF", self)

        def match_Empty(self, context: Any, token: _Line) -> bool:
            return not token.eof and not token.text and matched(token, "Empty", self)

        def match_Comment(self, context: Any, token: _Line) -> bool:
            return not token.eof and token.text.startswith("#") and matched(token, "Comment", self)

        def match_TagLine(self, context: Any, token: _Line) -> bool:
            if token.eof or not token.text.startswith("@"):
                return False
            token.tags()  # a tag with whitespace: gherkin records the error
            return matched(token, "TagLine", self)

        match_FeatureLine = title("feature", "FeatureLine")
        match_RuleLine = title("rule", "RuleLine")
        match_BackgroundLine = title("background", "BackgroundLine")
        match_ScenarioLine = title("scenario", "ScenarioLine")
        match_ExamplesLine = title("examples", "ExamplesLine")

        def match_StepLine(self, context: Any, token: _Line) -> bool:
            if token.eof:
                return False
            text = token.text
            keywords = self.dialect.steps_by_first.get(text[:1], ())
            return any(text.startswith(k) for k in keywords) and matched(token, "StepLine", self)

        def match_DocStringSeparator(self, context: Any, token: _Line) -> bool:
            if token.eof:
                return False
            text = token.text
            if self.docstring is None:
                opened = '"""' if text.startswith('"""') else "```" if text.startswith("```") else None
                if opened is None:
                    return False
                self.docstring = opened
            elif text.startswith(self.docstring):
                self.docstring = None
            else:
                return False
            return matched(token, "DocStringSeparator", self)

        def match_TableRow(self, context: Any, token: _Line) -> bool:
            return not token.eof and token.text.startswith("|") and matched(token, "TableRow", self)

        def match_Language(self, context: Any, token: _Line) -> bool:
            if token.eof:
                return False
            found = language_re.match(token.text)
            if not found:
                return False
            self.dialect = _dialect(found.group(1))
            return matched(token, "Language", self)

        def match_Other(self, context: Any, token: _Line) -> bool:
            return not token.eof and matched(token, "Other", self)

        # -- the skeleton builder: gherkin's AstBuilder, keeping what the index reads --

        def start_rule(self, context: Any, rule_type: str) -> None:
            self.stack.append((rule_type, {}))

        def build(self, context: Any, token: _Line) -> None:
            kind = token.matched_type
            if kind != "Comment" and kind != "Other" and kind != "Empty" and kind is not None:
                self.stack[-1][1].setdefault(kind, []).append(token)

        def end_rule(self, context: Any, rule_type: str) -> None:
            rule, items = self.stack.pop()
            if rule in _UNREAD:
                return
            value = _transform(rule, items)
            if value is not None:
                self.stack[-1][1].setdefault(rule, []).append(value)

    # Mixed in ahead of gherkin's Parser: its state functions, look-aheads and grammar; these methods.
    return type("SkeletonParser", (SkeletonMethods, Parser), {})


class _Context:
    """gherkin's ``ParserContext`` as its look-aheads use it: a queue of tokens read ahead."""

    __slots__ = ("token_queue",)

    def __init__(self) -> None:
        self.token_queue: deque[_Line] = deque()


def _first(items: dict[str, list[Any]], kind: str) -> Any:
    found = items.get(kind)
    return found[0] if found else None


def _tags(items: dict[str, list[Any]]) -> list[dict[str, Any]]:
    tags = _first(items, "Tags")
    return [tag for token in tags.get("TagLine", ()) for tag in token.tags()] if tags else []


def _title(token: _Line) -> dict[str, Any]:
    """What the AST says of a title line: its keyword, name and location."""
    keyword = _Dialect.head(token) or ""
    return {"location": {"line": token.number, "column": token.indent + 1}, "keyword": keyword,
            "name": token.text[len(keyword) + 1:].strip()}


def _rows(items: dict[str, list[Any]]) -> list[_Line]:
    """A table's rows; gherkin's AstBuilder refuses a table whose rows differ in cell count."""
    from gherkin.gherkin_line import GherkinLine

    rows: list[_Line] = items.get("TableRow", [])
    # gherkin's own cell split (a static method in newer versions, a method in older ones: called on a line)
    split = GherkinLine("", 0).split_table_cells
    counts = {sum(1 for _ in split(row.text.strip())) for row in rows}
    if len(counts) > 1:
        raise _GiveUp("inconsistent cell count within the table")
    return rows


def _transform(rule: str, items: dict[str, list[Any]]) -> Any:  # long: one branch per AST node the index reads
    """AstBuilder.transform_node for the skeleton (the same keys, only those the index reads)."""
    if rule == "DataTable":
        _rows(items)
        return None
    if rule == "ExamplesTable":
        return _rows(items)
    if rule == "ExamplesDefinition":
        examples = _first(items, "Examples")
        line = _first(examples, "ExamplesLine")
        table = _first(examples, "ExamplesTable")
        return {**_title(line), "tags": _tags(items), "tableBody": table[1:] if table else []}
    if rule == "ScenarioDefinition":
        scenario = _first(items, "Scenario")
        return {**_title(_first(scenario, "ScenarioLine")), "tags": _tags(items),
                "examples": scenario.get("ExamplesDefinition", [])}
    if rule == "Background":
        return _title(_first(items, "BackgroundLine"))
    if rule in ("Rule", "Feature"):
        header = _first(items, rule + "Header")
        line = _first(header, rule + "Line") if header else None
        if line is None:
            return None
        children: list[dict[str, Any]] = [{"background": b} for b in items.get("Background", [])[:1]]
        children += [{"scenario": s} for s in items.get("ScenarioDefinition", [])]
        children += [{"rule": r} for r in items.get("Rule", [])]
        node = {**_title(line), "tags": _tags(header), "children": children}
        if rule == "Feature":
            node["language"] = line.dialect
        return node
    if rule == "GherkinDocument":
        feature = _first(items, "Feature")
        return {"feature": feature} if feature else {}
    return items


def parse_stock(text: str) -> Any:
    """gherkin-official's own ``GherkinDocument`` for ``text``; raises gherkin's own exceptions on errors."""
    from gherkin.parser import Parser
    from gherkin.token_scanner import TokenScanner

    return Parser().parse(TokenScanner(text))


def parse(text: str) -> Any:
    """The skeleton of gherkin's ``GherkinDocument`` for ``text``; raises gherkin's own exceptions on errors."""
    try:
        return _skeleton_parser_class()(text).run()
    except Exception:  # noqa: BLE001 - any trouble: let the stock parser say exactly what is wrong
        return parse_stock(text)
