"""``specs/tasks.yaml``: work items linked to requirements and ACs.

Statuses accept the usual aliases (``open``, ``wip``, ``closed``...) and are
normalised to ``todo | in_progress | blocked | done | cancelled`` so every
consumer (``govcell next``, the graph, the site) sees one vocabulary.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from hooks.models import StrictModel, StrList, Text

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


class Task(StrictModel):
    """One work item."""

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
    docs: StrList = Field(default_factory=list)
    depends_on: StrList = Field(default_factory=list, description="IDs of tasks that must be done first")


class TasksFile(StrictModel):
    """The whole tasks file."""

    metadata: dict[str, Any] = Field(default_factory=dict)
    tasks: list[Task] = Field(default_factory=list)
