# `opa test`-style unit tests of the k8s policy's helpers.
package k8s_test

import rego.v1

import data.k8s

test_pinned_tag if k8s.pinned("registry.example/app:1.2.3")

test_pinned_digest if k8s.pinned("app@sha256:0123abcd")

test_latest_is_not_pinned if not k8s.pinned("app:latest")

test_untagged_is_not_pinned if not k8s.pinned("registry.example:5000/app")

test_service_is_not_a_workload if {
	count(k8s.deny) == 0 with input as {"kind": "Service", "metadata": {"name": "web"}}
}
