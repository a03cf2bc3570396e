# Kubernetes workloads: run as non-root, with resource requests and limits,
# the required labels, probes, pinned images and no literal secrets; and
# PodDisruptionBudgets that allow evictions.  One document per manifest.
package k8s

import rego.v1

required_labels := {"app.kubernetes.io/name", "owner"}

workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}

long_running := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}

pod_spec := input.spec if input.kind == "Pod"

pod_spec := input.spec.template.spec if input.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

containers contains c if {
	some c in pod_spec.containers
}

containers contains c if {
	some c in pod_spec.initContainers
}

name := object.get(input, ["metadata", "name"], "<unnamed>")

deny contains msg if {
	some c in containers
	not c.securityContext.runAsNonRoot == true
	not pod_spec.securityContext.runAsNonRoot == true
	msg := sprintf("%s %s: container %s must set securityContext.runAsNonRoot: true", [input.kind, name, c.name])
}

deny contains msg if {
	some c in containers
	c.securityContext.runAsUser == 0
	msg := sprintf("%s %s: container %s runs as user 0 (root)", [input.kind, name, c.name])
}

deny contains msg if {
	some c in containers
	some section in ["requests", "limits"]
	some resource in ["cpu", "memory"]
	not c.resources[section][resource]
	msg := sprintf("%s %s: container %s has no resources.%s.%s", [input.kind, name, c.name, section, resource])
}

deny contains msg if {
	input.kind in workload_kinds
	some label in required_labels
	not input.metadata.labels[label]
	msg := sprintf("%s %s: missing required label %s", [input.kind, name, label])
}

deny contains msg if {
	input.kind in long_running
	some c in pod_spec.containers
	some probe in ["readinessProbe", "livenessProbe"]
	not c[probe]
	msg := sprintf("%s %s: container %s has no %s", [input.kind, name, c.name, probe])
}

deny contains msg if {
	some c in containers
	not pinned(c.image)
	msg := sprintf("%s %s: container %s uses image %s; pin a version tag or digest, never :latest", [input.kind, name, c.name, c.image])
}

deny contains msg if {
	some c in containers
	some env in c.env
	regex.match(`(?i)(password|passwd|secret|token|api_?key|credential)`, env.name)
	is_string(env.value)
	msg := sprintf("%s %s: container %s sets %s as a literal; use valueFrom.secretKeyRef", [input.kind, name, c.name, env.name])
}

pinned(image) if contains(image, "@sha256:")

pinned(image) if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	not endswith(last, ":latest")
}

# PodDisruptionBudgets.

deny contains msg if {
	input.kind == "PodDisruptionBudget"
	count({k | some k in ["minAvailable", "maxUnavailable"]; object.get(input.spec, k, null) != null}) != 1
	msg := sprintf("PodDisruptionBudget %s: set exactly one of minAvailable and maxUnavailable", [name])
}

deny contains msg if {
	input.kind == "PodDisruptionBudget"
	input.spec.maxUnavailable in {0, "0%"}
	msg := sprintf("PodDisruptionBudget %s: maxUnavailable %v blocks every voluntary eviction (node drains hang)", [name, input.spec.maxUnavailable])
}

deny contains msg if {
	input.kind == "PodDisruptionBudget"
	input.spec.minAvailable == "100%"
	msg := sprintf("PodDisruptionBudget %s: minAvailable 100%% blocks every voluntary eviction (node drains hang)", [name])
}

deny contains msg if {
	input.kind == "PodDisruptionBudget"
	count(object.get(input.spec, ["selector", "matchLabels"], {})) == 0
	count(object.get(input.spec, ["selector", "matchExpressions"], [])) == 0
	msg := sprintf("PodDisruptionBudget %s: an empty selector matches every pod of the namespace", [name])
}
