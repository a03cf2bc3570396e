# LLM context bundles (.llm/contextpack.yaml): the required tasks exist
# (data.govcell.contextpack.required_tasks, from policy.data in the config),
# budgets are positive, includes are not empty and no field is unknown.
package contextpack

import rego.v1

default required_tasks := []

required_tasks := data.govcell.contextpack.required_tasks

task_fields := {"description", "max_bytes", "include", "include_globs", "exclude", "prompt", "output", "max_files", "acs", "requirements", "allow_secrets"}

top_fields := {"version", "tasks"}

deny contains msg if {
	some name in required_tasks
	not input.tasks[name]
	msg := {"msg": sprintf("required bundle task %v is missing", [name]), "loc": ["tasks"]}
}

deny contains msg if {
	some name, task in input.tasks
	not positive(object.get(task, "max_bytes", null))
	msg := {"msg": sprintf("task %v: max_bytes must be a positive number", [name]), "loc": ["tasks", name]}
}

deny contains msg if {
	some name, task in input.tasks
	count(includes(object.get(task, "include", null)) | includes(object.get(task, "include_globs", null))) == 0
	msg := {"msg": sprintf("task %v: include names no file pattern", [name]), "loc": ["tasks", name]}
}

deny contains msg if {
	some name, task in input.tasks
	some field, _ in task
	not field in task_fields
	msg := {"msg": sprintf("task %v: unknown field %v", [name, field]), "loc": ["tasks", name, field]}
}

deny contains msg if {
	some field, _ in input
	not field in top_fields
	msg := {"msg": sprintf("unknown top-level field %v", [field]), "loc": [field]}
}

positive(n) if {
	is_number(n)
	n > 0
}

includes(v) := {p | some p in v; is_string(p); trim_space(p) != ""} if is_array(v)

includes(v) := {p | p := v; trim_space(p) != ""} if is_string(v)

includes(v) := set() if {
	not is_array(v)
	not is_string(v)
}
