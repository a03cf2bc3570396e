"""``specs/tasks.yaml``: work items linked to requirements and ACs.

The format is the Rust template's (``crates/spec-tasks``) at every version:
top-level ``schema_version``/``template_version`` (or a ``metadata`` mapping),
tasks with ``summary``, ``recommended_flows`` (devex flows to follow) and
``docs`` either as a list of paths/doc IDs or as ``{design: [...], plan: [...]}``.

Statuses accept the usual aliases (``open``, ``wip``, ``closed``...) and are
normalised to ``todo | in_progress | blocked | done | cancelled`` so every
consumer (``govcell next``, the graph, the site) sees one vocabulary.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from govcell.formats.base import FormatModel, StrList, Text

TaskStatus = Literal["todo", "in_progress", "blocked", "done", "cancelled"]

STATUS_ALIASES: dict[str, str] = {
    "todo": "todo", "to_do": "todo", "open": "todo", "new": "todo", "pending": "todo", "planned": "todo",
    "backlog": "todo", "ready": "todo",
    "in_progress": "in_progress", "in-progress": "in_progress", "inprogress": "in_progress", "wip": "in_progress",
    "doing": "in_progress", "started": "in_progress", "active": "in_progress", "review": "in_progress",
    "blocked": "blocked", "on_hold": "blocked", "waiting": "blocked",
    "done": "done", "closed": "done", "complete": "done", "completed": "done", "finished": "done",
    "resolved": "done",
    "cancelled": "cancelled", "canceled": "cancelled", "dropped": "cancelled", "wontfix": "cancelled",
}


def _normalise_status(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_")
        return STATUS_ALIASES.get(key, value)
    return value


class TaskDocs(FormatModel):
    """``docs: {design: [...], plan: [...]}``: design docs and plans, as paths or doc IDs."""

    item_label: ClassVar[str] = "task docs"
    design: StrList = Field(default_factory=list, description="design documents (paths or doc IDs)")
    plan: StrList = Field(default_factory=list, description="implementation plans (paths or doc IDs)")


class Task(FormatModel):
    """One work item."""

    item_label: ClassVar[str] = "task"
    id: Text = Field(description="task identifier, unique in the cell")
    title: Text
    description: Text | None = None
    requirement: Text | None = Field(None, description="REQ-... this task implements")
    acs: StrList = Field(default_factory=list, description="AC-... this task proves")
    status: Annotated[TaskStatus, BeforeValidator(_normalise_status)] = Field(
        "todo", description="todo | in_progress | blocked | done | cancelled (aliases: open, wip, closed, ...)"
    )
    owner: Text | None = None
    priority: Text | None = Field(None, description="e.g. P0..P3; also read from labels like 'priority:high'")
    labels: StrList = Field(default_factory=list)
    summary: Text | None = Field(None, description="one line on what the task delivers")
    docs: TaskDocs | StrList = Field(default_factory=list,
                                     description="paths or doc IDs, or {design: [...], plan: [...]}")
    recommended_flows: StrList = Field(default_factory=list, description="devex flows to follow for this task")
    depends_on: StrList = Field(default_factory=list, description="IDs of tasks that must be done first")

    def doc_refs(self) -> list[tuple[tuple[Any, ...], str]]:
        """Every document the task names, with its path inside the task (for positions)."""
        if isinstance(self.docs, TaskDocs):
            return [(("docs", kind, i), ref) for kind in ("design", "plan")
                    for i, ref in enumerate(getattr(self.docs, kind))]
        return [(("docs", i), ref) for i, ref in enumerate(self.docs)]


class TasksFile(FormatModel):
    """The whole tasks file."""

    item_label: ClassVar[str] = "tasks file"
    schema_version: Text | None = None
    template_version: Text | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    tasks: list[Task] = Field(default_factory=list)
