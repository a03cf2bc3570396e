"""govcell's pytest plugin (entry point ``pytest11: govcell``): a results file for AC status.

Enabled only when asked (``--govcell-results PATH`` or the ini key
``govcell_results``), it writes one JSON document (``govcell.results/1``) at the
end of the session, listing every test that ran with its outcome and the ACs it
proves, taken from

* ``@pytest.mark.ac("AC-…")`` markers (several IDs per marker allowed), and
* pytest-bdd scenarios: the effective tags of the scenario (Feature, Rule,
  Scenario, and the Examples of the row that ran) that match the AC tag pattern,
  plus the feature file and line, so govcell can tell a stale result from a
  current one.

The ACs are also attached to each report as the user property ``acs`` (so a
JUnit XML written by the same run carries them as ``<property name="acs">``).
The file has no timestamps or durations: the same run writes the same bytes.

Plugin etiquette: the ``ac`` marker is always registered (so ``--strict-markers``
accepts ``@pytest.mark.ac``); nothing else happens unless asked.  With the ini
key ``govcell_ac_tags = true`` (or ``--govcell-ac-tags``) pytest-bdd's
``@AC-…`` tags become ``ac`` markers instead of markers named after each AC, so
a project under ``--strict-markers`` needs no marker line per AC.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govcell.load.results import RESULTS_SCHEMA

_KEY = pytest.StashKey["GovcellResults"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("govcell", "govcell AC results")
    group.addoption("--govcell-results", dest="govcell_results", metavar="PATH", default=None,
                    help="write govcell's AC results file (JSON) to PATH")
    parser.addini("govcell_results", "path of govcell's AC results file (relative to the rootdir)", default="")
    group.addoption("--govcell-ac-tags", dest="govcell_ac_tags", action="store_true", default=None,
                    help="turn pytest-bdd @AC-… tags into ac markers (for --strict-markers)")
    parser.addini("govcell_ac_tags", "turn pytest-bdd @AC-… tags into ac markers (for --strict-markers)",
                  type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ac(*ids): the acceptance criteria (AC-…) this test proves, for govcell")
    if config.getoption("govcell_ac_tags") or config.getini("govcell_ac_tags"):
        config.pluginmanager.register(AcTags(_pattern(config.rootpath)), "govcell-ac-tags")
        # pytest-bdd marks the tags of an Examples block directly, past its tag hook:
        # those need markers of their own, named after the ACs of the ledger.
        for ac in _ledger_acs(config.rootpath):
            config.addinivalue_line("markers", f"{ac}: acceptance criterion {ac} (registered by govcell)")
    path = config.getoption("govcell_results") or config.getini("govcell_results")
    if not path:
        return
    if hasattr(config, "workerinput"):
        # An xdist worker: the controller writes the file, from the reports the worker sends it.
        config.pluginmanager.register(WorkerInfo(config), "govcell-results-worker")
        return
    target = Path(path)
    if not target.is_absolute():
        target = (config.invocation_params.dir if config.getoption("govcell_results") else config.rootpath) / target
    plugin = GovcellResults(config, target)
    config.stash[_KEY] = plugin
    config.pluginmanager.register(plugin, "govcell-results")


def _ledger_acs(root: Path) -> list[str]:
    """The AC IDs of the ledger at ``root`` (none when it cannot be read: that is the hooks' finding)."""
    from govcell.cell import Cell

    ledger = Cell(root).ledger.model
    return sorted({ac.id for _, _, ac in ledger.iter_acs()}) if ledger is not None else []


def _pattern(root: Path) -> Any:
    from govcell.load.config import load_config
    from govcell.load.features import DEFAULT_AC_TAG, TagMatcher

    cfg = load_config(root).config
    try:
        return TagMatcher(cfg.ac_tags.pattern or "@" + cfg.ids.ac)
    except Exception:  # noqa: BLE001 - a bad pattern is the ac-tags check's finding, not a test failure
        return TagMatcher(DEFAULT_AC_TAG)


class AcTags:
    """pytest-bdd's tag hook: an ``@AC-…`` tag becomes ``pytest.mark.ac("AC-…")`` (registered only when asked)."""

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher

    @pytest.hookimpl(optionalhook=True)
    def pytest_bdd_apply_tag(self, tag: str, function: Any) -> bool | None:
        ac = self.matcher.ac_id("@" + tag)
        if ac is None:
            return None
        pytest.mark.ac(ac)(function)
        return True


class ItemInfo:
    """What a test proves (its ACs, and the scenario it runs), found where the test item is."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.root = config.rootpath
        self.matcher = _pattern(self.root)
        self.info: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------------ what a test proves

    def _rel(self, path: str | Path) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def item_info(self, item: pytest.Item) -> dict[str, Any]:
        acs: set[str] = set()
        for mark in item.iter_markers():
            if mark.name == "ac":
                acs.update(str(a) for a in mark.args)
            else:
                ac = self.matcher.ac_id("@" + mark.name)
                if ac:
                    acs.add(ac)
        info: dict[str, Any] = {"file": self._rel(item.path),
                                "function": getattr(item, "originalname", None) or item.name}
        template = _scenario_template(item)
        if template is not None:
            tags = set(template.tags) | set(template.feature.tags)
            if template.rule is not None:
                tags |= set(template.rule.tags)
            for tag in tags:
                ac = self.matcher.ac_id("@" + tag)
                if ac:
                    acs.add(ac)
            info.update(feature=self._rel(template.feature.filename), line=template.line_number,
                        scenario=template.name)
        info["acs"] = sorted(acs)
        return info

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        info = self.info.setdefault(item.nodeid, self.item_info(item))
        if info["acs"] and not any(k == "acs" for k, _ in item.user_properties):
            item.user_properties.append(("acs", " ".join(info["acs"])))


class WorkerInfo(ItemInfo):
    """On an xdist worker: each report carries its test's info to the controller.

    Only reports cross from a worker to the controller (xdist serialises their
    attributes), so each test's setup report, the first the controller sees,
    takes the info as :data:`REPORT_ATTRIBUTE`; without it the controller's file
    would name no AC and no scenario.
    """

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if call.when == "setup":
            info = self.info.get(item.nodeid)
            if info is None:  # a plugin's setup failed before this one's ran
                info = self.info[item.nodeid] = self.item_info(item)
            setattr(report, REPORT_ATTRIBUTE, info)
        return report


#: The attribute of an xdist worker's report that holds its test's info.
REPORT_ATTRIBUTE = "govcell_info"


class GovcellResults(ItemInfo):
    """Collects outcomes and ACs per test; writes them at session end."""

    def __init__(self, config: pytest.Config, target: Path) -> None:
        super().__init__(config)
        self.target = target
        self.outcomes: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        nodeid = report.nodeid
        wasxfail = hasattr(report, "wasxfail")
        if report.when == "call":
            if wasxfail:
                self.outcomes[nodeid] = "xpassed" if report.passed else "xfailed"
            else:
                self.outcomes[nodeid] = report.outcome
        elif report.when == "setup":
            if report.failed:
                self.outcomes[nodeid] = "error"
            elif report.skipped:
                self.outcomes[nodeid] = "xfailed" if wasxfail else "skipped"
        elif report.when == "teardown" and report.failed and self.outcomes.get(nodeid) in ("passed", "xpassed"):
            self.outcomes[nodeid] = "error"
        if nodeid not in self.info:  # xdist: only the report crossed over, with the worker's info
            info = getattr(report, REPORT_ATTRIBUTE, None)
            self.info[nodeid] = info if isinstance(info, dict) else {
                "file": nodeid.split("::", 1)[0], "function": nodeid.rsplit("::", 1)[-1], "acs": []}

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from govcell import __version__
        from govcell.write import write_atomic

        tests = []
        summary: dict[str, int] = {}
        for nodeid in sorted(self.outcomes):
            outcome = self.outcomes[nodeid]
            summary[outcome] = summary.get(outcome, 0) + 1
            tests.append({"nodeid": nodeid, "outcome": outcome, **self.info.get(nodeid, {})})
        doc = {"schema": RESULTS_SCHEMA, "tool": "govcell-pytest", "version": __version__,
               "summary": dict(sorted(summary.items())), "tests": tests}
        write_atomic(self.target, json.dumps(doc, indent=1, sort_keys=True) + "\n")


def _scenario_template(item: pytest.Item) -> Any:
    """The pytest-bdd ScenarioTemplate an item runs, if any (pytest-bdd 8+)."""
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry
    except ImportError:
        return None
    obj = getattr(item, "obj", None)
    if obj is None:
        return None
    try:
        return scenario_wrapper_template_registry.get(obj)
    except TypeError:  # not weak-referenceable
        return None
