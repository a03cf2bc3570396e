"""Every recipe in docs/ci.md and docs/publishing.md holds.

Each fenced block is read as its platform reads it: GitHub Actions workflows and GitLab CI jobs
(YAML with their required shape), shell blocks, mkdocs.yml pieces and the Backstage entity. In
every job (and shell block) each tool is installed by an earlier step before it runs, what an
upload or artifact names is what an earlier govcell command wrote, and the govcell commands run
as written (``|| true`` and redirection as a shell does them) in a freshly initialised cell,
where they pass. Building the site (mkdocs) is the slow part.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from tests.conftest import REPO_ROOT, git, init_git, run_command

DOCS = ("docs/ci.md", "docs/publishing.md")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
#: Tools a CI image has before any step: the shell's, Python's and git.
PREINSTALLED = {"pip", "python", "python3", "git", "cd", "mkdir", "echo", "test"}
#: What each package a recipe installs puts on PATH.
EXECUTABLES = {"pre-commit": {"pre-commit"}, "govcell": {"govcell"}, "pytest": {"pytest"},
               "pytest-bdd": set(), "mkdocs-techdocs-core": {"mkdocs"}}


@dataclasses.dataclass
class Recipe:
    """One job or shell block: where it is, its commands in order, and the platform's YAML around them."""

    where: str
    kind: str  # github | gitlab | sh
    commands: list[str]
    doc: dict[str, Any] = dataclasses.field(default_factory=dict)


def blocks(rel: str) -> list[tuple[str, str, int]]:
    """(language, text, line) of every fenced block of a docs page."""
    text = (REPO_ROOT / rel).read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]


def yaml_blocks(rel: str) -> list[tuple[Any, str]]:
    return [(yaml.safe_load(text), f"{rel}:{line}") for lang, text, line in blocks(rel) if lang == "yaml"]


def recipes() -> list[Recipe]:
    out: list[Recipe] = []
    for rel in DOCS:
        for lang, text, line in blocks(rel):
            where = f"{rel}:{line}"
            if lang == "sh":
                out.append(Recipe(where, "sh", [c for c in (_strip_comment(s) for s in text.splitlines()) if c]))
                continue
            if lang != "yaml":
                continue
            doc = yaml.safe_load(text)
            if isinstance(doc, dict) and "jobs" in doc:
                for name, job in doc["jobs"].items():
                    cmds = [c for step in job["steps"] if "run" in step for c in step["run"].splitlines() if c.strip()]
                    out.append(Recipe(f"{where} job {name}", "github", cmds, {"workflow": doc, "job": job}))
            elif isinstance(doc, dict) and any(isinstance(v, dict) and "script" in v for v in doc.values()):
                for name, job in doc.items():
                    if isinstance(job, dict) and "script" in job:
                        steps = [*job.get("before_script", []), *job["script"], *job.get("after_script", [])]
                        out.append(Recipe(f"{where} job {name}", "gitlab", steps, {"job": job, "name": name}))
    return out


def _strip_comment(line: str) -> str:
    """A shell line without its trailing comment ("" for a comment or a blank line)."""
    if not shlex.split(line, comments=True):
        return ""
    return line.split(" #")[0].strip()


def _words(command: str) -> list[str]:
    return shlex.split(command.split("||")[0], comments=True)


def _installed(words: list[str]) -> set[str]:
    """The requirement names a ``pip install`` command installs (extras kept as name[extra])."""
    from packaging.requirements import Requirement

    names: set[str] = set()
    for w in words[2:]:
        if w.startswith("-"):
            continue
        req = Requirement(w)
        names.add(req.name)
        names.update(f"{req.name}[{e}]" for e in req.extras)
        if req.name == "govcell":
            _check_govcell_requirement(req)
    return names


def _check_govcell_requirement(req: Any) -> None:
    import tomllib

    extras = set(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    assert req.extras <= extras, f"govcell has no extra {req.extras - extras}"
    assert req.url is None or re.search(r"@v\d+\.\d+\.\d+$", req.url), f"pin a tag, not {req.url}"


ALL = recipes()


def test_the_docs_hold_every_kind_of_recipe() -> None:
    kinds = {(r.where.split(":")[0], r.kind) for r in ALL}
    assert {("docs/ci.md", "github"), ("docs/ci.md", "gitlab"), ("docs/ci.md", "sh"),
            ("docs/publishing.md", "github"), ("docs/publishing.md", "gitlab"), ("docs/publishing.md", "sh")} <= kinds
    for rel in DOCS:  # every YAML block parses (the mkdocs.yml and catalog pieces too)
        assert all(doc is not None for doc, _ in yaml_blocks(rel))


@pytest.mark.ac("AC-ADOPT-073")
@pytest.mark.parametrize("recipe", ALL, ids=[r.where for r in ALL])
def test_every_tool_a_recipe_runs_is_installed_before(recipe: Recipe) -> None:
    installed: set[str] = set()
    if recipe.kind == "sh" and not any(_words(c)[:2] == ["pip", "install"] for c in recipe.commands):
        installed.add("govcell[site]")  # commands for a machine where govcell is installed (not a CI job)
    for command in recipe.commands:
        words = _words(command)
        if words[:2] == ["pip", "install"]:
            installed |= _installed(words)
            continue
        tool = words[0]
        have = PREINSTALLED | {x for pkg in installed for x in EXECUTABLES.get(pkg.split("[")[0], set())}
        if "govcell[site]" in installed:
            have.add("mkdocs")
        assert tool in have, f"{recipe.where}: `{command}` runs {tool}, which no earlier step installs"
        if tool == "pytest" and any(w.startswith("--cucumberjson") for w in words):
            assert "pytest-bdd" in installed, f"{recipe.where}: --cucumberjson is pytest-bdd's option"
        if words[:2] == ["pre-commit", "run"]:  # govcell init's hooks run the installed govcell (repo: local)
            assert "govcell" in installed, f"{recipe.where}: pre-commit runs govcell's hooks before it is installed"
        if words[:3] == ["govcell", "site", "build"]:
            assert "govcell[site]" in installed, f"{recipe.where}: the site needs govcell's site extra"


def _outputs(recipe: Recipe) -> set[str]:
    """Files the recipe's govcell commands write (-o/--out, or a shell redirection)."""
    out = set()
    for command in recipe.commands:
        words = _words(command)
        for flag in ("-o", "--out"):
            if flag in words:
                out.add(words[words.index(flag) + 1])
        if ">" in words:
            out.add(words[words.index(">") + 1])
    return out


@pytest.mark.ac("AC-ADOPT-073")
def test_github_workflows_have_the_shape_actions_reads() -> None:
    workflows = [r for r in ALL if r.kind == "github"]
    for r in workflows:
        wf, job = r.doc["workflow"], r.doc["job"]
        assert wf.get("on", wf.get(True)), f"{r.where}: no trigger"  # YAML 1.1 reads `on` as true
        assert isinstance(job["runs-on"], str) and job["steps"], r.where
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{r.where}: a step has uses or run: {step}"
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", step["uses"]), f"{r.where}: pin {step['uses']}"
            if step.get("uses", "").startswith("github/codeql-action/upload-sarif"):
                assert wf["permissions"]["security-events"] == "write", r.where
                assert step["with"]["sarif_file"] in _outputs(r), f"{r.where}: uploads a file nothing wrote"
            if step.get("uses", "").startswith("actions/upload-pages-artifact"):
                assert wf["permissions"]["pages"] == "write" and wf["permissions"]["id-token"] == "write"
                assert step["with"]["path"] in _outputs(r), f"{r.where}: publishes a directory nothing built"
        for need in [job.get("needs")] if job.get("needs") else []:
            assert need in wf["jobs"], f"{r.where}: needs an unknown job {need}"


@pytest.mark.ac("AC-ADOPT-073")
def test_gitlab_jobs_have_the_shape_gitlab_reads() -> None:
    jobs = [r for r in ALL if r.kind == "gitlab"]
    assert {r.doc["name"] for r in jobs} >= {"governance", "pages"}
    for r in jobs:
        job = r.doc["job"]
        assert isinstance(job["image"], str) and all(isinstance(c, str) for c in job["script"]), r.where
        assert set(job) <= {"image", "script", "before_script", "after_script", "artifacts", "variables", "cache",
                            "rules", "stage", "needs"}, f"{r.where}: unknown job keys {set(job)}"
        artifacts = job.get("artifacts", {})
        reports = artifacts.get("reports", {})
        assert set(reports) <= {"junit", "codequality", "sast", "dotenv"}, r.where
        for path in reports.values():
            assert path in _outputs(r), f"{r.where}: the report {path} is written by no command of the job"
        if r.doc["name"] == "pages":  # GitLab publishes the artifact directory `public`
            assert artifacts["paths"] == ["public"] and "public" in _outputs(r), r.where
        elif artifacts:
            assert artifacts.get("when") == "always", f"{r.where}: reports of a failed job must be kept"


# --------------------------------------------------------------------------- running the govcell commands


def fresh_cell(root: Path) -> Path:
    root.mkdir(parents=True)
    init_git(root)
    assert run_command(["govcell", "init"], root).code == 0
    git(root, "commit", "-q", "-m", "govcell init")
    return root


def run_recipe_command(command: str, root: Path) -> tuple[int, str]:
    """A govcell command of a recipe as the shell runs it: ``|| true`` and ``> FILE`` included."""
    tolerant = "||" in command
    words = _words(command)
    target = None
    if ">" in words:
        i = words.index(">")
        words, target = words[:i], words[i + 1]
    result = run_command(words, root)
    assert "Traceback" not in result.output, f"`{command}`:\n{result.output}"
    if target:
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        (root / target).write_text(result.stdout, encoding="utf-8")
    return (0 if tolerant else result.code), result.output


def _govcell_commands(site: bool) -> list[tuple[str, str]]:
    return [(r.where, c) for r in ALL for c in r.commands
            if _words(c)[:1] == ["govcell"] and _words(c)[1:3] != ["site", "serve"]
            and (_words(c)[1:3] == ["site", "build"]) == site]


def _check_written(root: Path, command: str) -> None:
    for path in _outputs(Recipe("", "sh", [command])):
        written = root / path
        assert written.exists(), f"`{command}` wrote no {path}"
        if path.endswith((".sarif", ".json")):
            json.loads(written.read_text())
        elif path.endswith(".xml"):
            ET.fromstring(written.read_text())
        elif written.is_dir():
            assert (written / "index.html").is_file()


@pytest.mark.ac("AC-ADOPT-073")
def test_the_recipes_govcell_commands_pass_in_a_fresh_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = fresh_cell(tmp_path / "cell")
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))  # as in GitHub Actions
    commands = _govcell_commands(site=False)
    assert {_words(c)[1] for _, c in commands} >= {"check", "policy", "status"}
    for where, command in commands:
        code, output = run_recipe_command(command, root)
        assert code == 0, f"{where}: `{command}` failed in a fresh cell:\n{output}"
        _check_written(root, command)
    assert summary.read_text().startswith("## govcell\n\n0 finding(s)")
    status = json.loads((root / "test-results/status.json").read_text())
    assert status["schema"] == "govcell.status/1" and status["verdict"]["state"] in {"pass", "attention"}


@pytest.mark.slow
@pytest.mark.ac("AC-ADOPT-073")
def test_the_recipes_site_builds_pass_in_a_fresh_cell(tmp_path: Path) -> None:
    root = fresh_cell(tmp_path / "cell")
    commands = _govcell_commands(site=True)
    assert {c for _, c in commands} >= {"govcell site build --out site", "govcell site build --out public"}
    for where, command in sorted(set(commands), key=lambda wc: wc[1]):
        code, output = run_recipe_command(command, root)
        assert code == 0, f"{where}: `{command}` failed in a fresh cell:\n{output}"
        _check_written(root, command)
        # the scaffolded mkdocs.yml keeps the plugin's prefix: the status is where docs/publishing.md says
        out = _outputs(Recipe("", "sh", [command])).pop()
        assert json.loads((root / out / "governance/status.json").read_text())["schema"] == "govcell.status/1"
