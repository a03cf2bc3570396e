# Privacy: every field marked as personal data (pii: true) names an owner and
# a retention period such as 30d, 12w, 6m or 1y.
package privacy

import rego.v1

pii_fields contains [ds.name, f] if {
	some ds in input.datasets
	some f in ds.fields
	f.pii == true
}

deny contains msg if {
	some [dataset, f] in pii_fields
	not is_string(f.owner)
	msg := sprintf("%v.%v is personal data but declares no owner", [dataset, f.name])
}

deny contains msg if {
	some [dataset, f] in pii_fields
	not regex.match(`^[1-9][0-9]*[dwmy]$`, object.get(f, "retention", ""))
	msg := sprintf("%v.%v is personal data but has no retention like 30d (got %v)", [dataset, f.name, object.get(f, "retention", "none")])
}
