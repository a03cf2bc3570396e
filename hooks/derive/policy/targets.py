"""A policy on its configured targets: repository files, built-in inputs and composed inputs.

``policy.targets`` names, per policy, globs of repository files, the built-in
inputs (``ledger``, ``contextpack``, ``features``, ``tasks``, ``changes``: what the change
touched and declared, ``govcell.derive.scope``) or composed inputs
(``policy.inputs``, ``govcell.derive.policy.inputs``); every message a policy
gives on them becomes a finding at the target file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Severity, diag, did_you_mean
from govcell.derive.policy.documents import Document, builtin_input, read_documents
from govcell.derive.policy.model import BUILTIN_INPUTS, FAIL_RULES, FIXTURE_SUFFIXES, Message, PolicyResult, \
    RegoFile, TargetResult

if TYPE_CHECKING:
    from govcell.derive.policy.engine import Context

Inputs = Iterator[tuple[str, list[Document]]]


def unknown_target_policies(ctx: Context, names: list[str]) -> None:
    """A policy named in ``policy.targets`` that does not exist is a finding at the config key."""
    for policy in sorted(ctx.cfg.targets):
        if policy not in names:
            hint = did_you_mean(policy, names) or f"policies: {', '.join(sorted(names)) or 'none'}"
            ctx.found.append(diag("policy.unknown-policy", f"policy.targets names policy '{policy}', which "
                                  f"does not exist in {ctx.policy_dir}/", ctx.config_path,
                                  *ctx.config_pos(("policy", "targets", policy)), hint=hint))


def run_targets(ctx: Context, pf: RegoFile, result: PolicyResult, engine: Any) -> None:
    """Evaluate policy ``pf`` on each of its targets; its messages become findings."""
    engine.set_enable_coverage(False)
    for index, target in enumerate(ctx.cfg.targets.get(pf.stem, [])):
        for path, docs in _inputs(ctx, pf, target, index):
            tr = TargetResult(pf.stem, target, path, len(docs))
            result.targets.append(tr)
            for doc in docs:
                for m, loc in ctx.eval(pf, engine, doc.data, f"target {path}")[0]:
                    _locate(m, loc, path, doc)
                    if target == "changes" and m.path == ".":  # at the changed file the message names
                        m.path = _named_file(m.text, doc.data.get("changed_files", []))
                    tr.messages.append(m)
                    severity = Severity.ERROR if m.rule in FAIL_RULES else Severity.WARNING
                    code = "policy.violation" if m.rule in FAIL_RULES else "policy.warning"
                    ctx.found.append(diag(code, f"{m.text} [policy {pf.stem}]", m.path, m.line,
                                          m.col or (1 if m.line else 0), severity=severity,
                                          hint=f"required by {pf.path}"))


def _inputs(ctx: Context, pf: RegoFile, target: str, index: int) -> list[tuple[str, list[Document]]]:
    if target in BUILTIN_INPUTS:
        return list(_builtin(ctx, target))
    if target in ctx.cfg.inputs:
        from govcell.derive.policy.inputs import Composer

        composer: Composer = ctx.__dict__.setdefault("_composer", Composer(ctx.cell, ctx.found, ctx.config_path,
                                                                          ctx.config_pos))
        return composer.compose(target, ctx.cfg.inputs[target])
    return list(_glob_inputs(ctx, target, (pf.stem, index)))


def _locate(m: Message, loc: list[Any] | None, path: str, doc: Document) -> None:
    """Place message ``m`` in target ``path``: at the ``loc`` it names, else where it says or the document."""
    if loc is not None:
        m.line, m.col = doc.position(loc)
        m.path = path
    elif not m.path:
        m.path = path
        m.line = m.line or doc.line


def _glob_inputs(ctx: Context, pattern: str, where: tuple[str, int]) -> Inputs:
    from govcell.load.globs import on_disk

    matches = on_disk(ctx.cell.root, pattern)
    if not matches:
        ctx.found.append(diag("policy.target-no-match", f"target '{pattern}' of policy {where[0]} matches no "
                              "file", ctx.config_path, *ctx.config_pos(("policy", "targets") + where),
                              hint="fix the glob (relative to the repository root), or remove the target"))
    for rel in matches:
        if not rel.endswith(FIXTURE_SUFFIXES):
            ctx.found.append(diag("policy.target-format", f"target {rel} is not .json, .yaml or .yml", rel,
                                  hint="policies read JSON or YAML inputs; narrow the glob"))
            continue
        docs = read_documents(ctx.cell, rel, ctx.found, "policy.target-syntax", strict=False)
        if docs is not None:
            yield rel, docs


def _named_file(text: str, files: list[str]) -> str:
    """The first of ``files`` that ``text`` names as a whole path, else ``.`` (the change as a whole)."""
    import re

    return next((f for f in files if re.search(rf"(?<![\w/.-]){re.escape(f)}(?![\w/-])", text)), ".")


def _builtin(ctx: Context, name: str) -> Inputs:
    got = builtin_input(ctx.cell, name, ctx.found)
    if got.ok and got.data is not None:  # an absent optional file: nothing to judge (spec-ledger reports it)
        yield got.path, [Document(got.data, got.line, got.marks)]
