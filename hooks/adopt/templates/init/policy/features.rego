# Feature files: every @AC-… tag of a scenario names an AC of the ledger.
# Input: {features: [{path, name, tags, scenarios: [{name, file, line, tags,
# ac_ids}]}], ledger_ac_ids: [...]} (built-in target `features`).
package features

import rego.v1

known := {id | some id in input.ledger_ac_ids}

deny contains msg if {
	some feature in input.features
	some scenario in feature.scenarios
	some ac in scenario.ac_ids
	not ac in known
	msg := {
		"msg": sprintf("scenario %q tags %v, which is not an AC of the ledger", [scenario.name, ac]),
		"file": scenario.file,
		"line": scenario.line,
	}
}
