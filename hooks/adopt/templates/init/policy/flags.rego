# Feature flags: every flag has an owner, an expiry date and a rollout
# percentage between 0 and 100; every rollout names a known flag.
package flags

import rego.v1

known := {f.name | some f in input.flags}

deny contains msg if {
	some f in input.flags
	not non_empty(f.owner)
	msg := sprintf("flag %v has no owner", [f.name])
}

deny contains msg if {
	some f in input.flags
	not regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, object.get(f, "expires", ""))
	msg := sprintf("flag %v needs an expiry date (expires: YYYY-MM-DD)", [f.name])
}

deny contains msg if {
	some f in input.flags
	not percent(object.get(f, "rollout", null))
	msg := sprintf("flag %v: rollout must be a number from 0 to 100, not %v", [f.name, object.get(f, "rollout", null)])
}

deny contains msg if {
	some r in input.rollouts
	not r.flag in known
	msg := sprintf("rollout for %v (%v) names no known flag", [r.flag, object.get(r, "environment", "any environment")])
}

deny contains msg if {
	some r in input.rollouts
	not percent(object.get(r, "percent", null))
	msg := sprintf("rollout for %v: percent must be a number from 0 to 100, not %v", [r.flag, object.get(r, "percent", null)])
}

non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

percent(p) if {
	is_number(p)
	p >= 0
	p <= 100
}
