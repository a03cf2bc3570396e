"""JSON Schema for every govcell file format, generated from the pydantic models.

Editors (via ``# yaml-language-server: $schema=...``) autocomplete and validate
the ledger with it; the site publishes the same documents.
"""

from __future__ import annotations

import importlib
import json

#: schema name -> (module, model class, file it describes)
MODELS: dict[str, tuple[str, str, str]] = {
    "ledger": ("govcell.formats.ledger", "Ledger", "specs/spec_ledger.yaml"),
    "tasks": ("govcell.formats.tasks", "TasksFile", "specs/tasks.yaml"),
    "flows": ("govcell.formats.flows", "FlowsFile", "specs/devex_flows.yaml"),
    "contextpack": ("govcell.formats.contextpack", "ContextPack", ".llm/contextpack.yaml"),
    "docindex": ("govcell.formats.docindex", "DocIndex", "specs/doc_index.yaml"),
    "reviews": ("govcell.formats.reviews", "ReviewsFile", "specs/reviews.yaml"),
    "config": ("govcell.load.config", "Config", ".govcell.yaml"),
}
#: schema name -> (module, model class, command) of documents govcell writes (contracts for their readers)
OUTPUTS: dict[str, tuple[str, str, str]] = {
    "status": ("govcell.formats.status", "StatusDocument", "govcell status --json"),
}


#: schema name -> (module, function returning the schema, command) of output documents whose schema is
#: written by hand (no model behind it)
WRITTEN: dict[str, tuple[str, str, str]] = {
    "diff": ("govcell.report.diff", "json_schema", "govcell diff --format json"),
    "history": ("govcell.derive.history", "json_schema", "govcell history --format json"),
}


def names() -> list[str]:
    """Every schema ``govcell schema NAME`` prints: file formats and output documents."""
    return sorted({**MODELS, **OUTPUTS, **WRITTEN})


def schema(name: str) -> dict[str, object]:
    if name in WRITTEN:
        module_name, func, _command = WRITTEN[name]
        written: dict[str, object] = getattr(importlib.import_module(module_name), func)()
        return written
    module, cls, target = MODELS.get(name) or OUTPUTS[name]
    model = getattr(importlib.import_module(module), cls)
    doc: dict[str, object] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govcell.dev/schema/{name}.json",
    }
    generated = model.model_json_schema(mode="validation")
    generated.setdefault("description", f"govcell {name} file ({target})" if name in MODELS
                         else f"the document `{target}` prints")
    generated["title"] = f"govcell {name}"
    doc.update(generated)
    return doc


def schema_text(name: str) -> str:
    return json.dumps(schema(name), indent=2, sort_keys=True) + "\n"
