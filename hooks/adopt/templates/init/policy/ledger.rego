# The spec ledger: every kernel AC (its requirement and itself must_have_ac,
# not deprecated) is proven by at least one automated test (unit, bdd or
# integration).  Input: the ledger as data (built-in target `ledger`).
package ledger

import rego.v1

automated := {"unit", "bdd", "integration"}

deny contains msg if {
	some i, story in input.stories
	some j, req in story.requirements
	object.get(req, "must_have_ac", true) != false
	some k, ac in req.acceptance_criteria
	object.get(ac, "must_have_ac", true) != false
	object.get(ac, "status", "active") != "deprecated"
	count([t | some t in object.get(ac, "tests", []); t.type in automated]) == 0
	msg := {
		"msg": sprintf("kernel AC %v has no automated test (unit, bdd or integration)", [ac.id]),
		"loc": ["stories", i, "requirements", j, "acceptance_criteria", k, "id"],
	}
}
