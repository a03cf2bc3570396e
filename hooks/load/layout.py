"""The usual layout of a cell: where its configuration and spec files are unless the config says otherwise.

Plain constants, so that what runs before pydantic is imported (the head start of
:mod:`govcell.load.head_start`, the cache's config key) knows them too; the
configuration's models (:mod:`govcell.load.config`) take their defaults from here.
"""

from __future__ import annotations

#: The configuration file at the root of a cell.
CONFIG_FILE = ".govcell.yaml"
#: Where govcell's configuration may be, in the order it is looked for (``[tool.govcell]`` second).
CONFIG_FILES = (CONFIG_FILE, "pyproject.toml")
#: A configuration file is small; a larger one is refused as it is read.
CONFIG_MAX_BYTES = 1024 * 1024
#: pyproject.toml is read whole to find [tool.govcell]; a real one is a few kilobytes.
PYPROJECT_MAX_BYTES = 1024 * 1024

#: ``paths.<key>`` -> its default: the spec files read as YAML and validated against a format model,
#: in the order a check first needs them.
SPEC_FILES = {
    "ledger": "specs/spec_ledger.yaml",
    "tasks": "specs/tasks.yaml",
    "flows": "specs/devex_flows.yaml",
    "contextpack": ".llm/contextpack.yaml",
    "doc_index": "specs/doc_index.yaml",
}
