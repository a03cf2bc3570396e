"""The ``.govcell.yaml`` ``init`` generates to fit what it detected in a repository."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.adopt.detect import Detection


def _flow(value: Any) -> str:
    """``value`` as one line of YAML flow style."""
    import yaml

    return str(yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)).strip().removesuffix(
        "\n...").strip()


def render_config(det: Detection, *, feature_status_format: str = "govcell", starter_data: bool = False) -> str:
    """The ``.govcell.yaml`` that fits ``det``: only what differs from the defaults, and how policies are fed."""
    out = [
        "# yaml-language-server: $schema=docs/schema/config.json",
        "# govcell's configuration, written by `govcell init` from what it found in this repository",
        "# (every key: `govcell schema config`, or docs/configuration.md of govcell). Paths not",
        "# listed here are govcell's defaults.",
    ]
    paths = det.paths_differ()
    if paths:
        out += ["paths:", *[f"  {key}: {_flow(value)}" for key, value in paths.items()]]
    namespaces = det.namespaces()
    if namespaces:
        targets = det.targets()
        out += ["policy:",
                f"  # The packages of {det.policy_dir}/*.rego that hold deny/violation/warn rules.",
                f"  namespaces: {_flow(namespaces)}"]
        if starter_data:
            out += ["  data:", "    contextpack: {required_tasks: [review]}"]
        composed = {c.target: c for c in targets.values() if c.composed is not None}
        if composed:
            out.append("  # Inputs built from several files, as a CI job builds them (yq | jq) for conftest.")
            out.append("  inputs:")
            for name in sorted(composed):
                spec = composed[name].composed or {}
                out.append(f"    {name}:")
                for part in ("merge", "keys"):
                    if spec.get(part):
                        out.append(f"      {part}:")
                        if part == "merge":
                            out += [f"        - {_flow(src)}" for src in spec[part]]
                        else:
                            out += [f"        {key}: {_flow(src)}" for key, src in spec[part].items()]
        if targets:
            out.append("  # What each policy judges besides its fixtures: the input whose shape it reads.")
            out.append("  targets:")
            for stem in sorted(targets):
                cand = targets[stem]
                out.append(f"    {stem}: {_flow([cand.target])}  # {cand.describe}")
        unfed = sorted(pf.stem for pf in det.policies if pf.is_policy and pf.stem not in targets)
        if unfed:
            out.append(f"  # Fixtures only (no file of this repository has the shape they read): {', '.join(unfed)}")
    if feature_status_format != "govcell":
        why = {"xtask": f"{det.feature_status} is the report of `cargo xtask ac-status`: govcell keeps it in "
                        "that format",
               "off": f"{det.feature_status} is not a report govcell writes: govcell leaves it alone"}
        out += ["feature_status:", f"  # {why[feature_status_format]}.", f"  format: {feature_status_format}"]
    out += ["results:",
            "  # Test result files that give ACs their run status (passing / failing / not run):",
            "  # govcell's pytest plugin JSON, cucumber JSON or JUnit XML.",
            "  files: []"]
    return "\n".join(out) + "\n"
