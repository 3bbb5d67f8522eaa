"""What the deployment patterns promise, checked on the manifests themselves (run by scripts/deploy-check).

Beyond schema validation and checkov: every pattern applies whole with `kubectl apply -k`, probes
the health endpoints, stops within its grace period, keeps secrets out of ConfigMaps and the
environment, lets Prometheus scrape, and fences the databases with NetworkPolicies.
"""
import pathlib
import re
import sys

import yaml

root = pathlib.Path(sys.argv[1])
failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def pod_specs(doc):
    kind = doc["kind"]
    if kind in ("Deployment", "StatefulSet"):
        return [doc["spec"]["template"]["spec"]]
    if kind == "CronJob":
        return [doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]]
    return []


for pattern in sorted(p for p in root.iterdir() if p.is_dir()):
    name = pattern.name
    if not (pattern / "README.md").is_file():
        fail(name, "no README.md saying when to choose it and how to apply it")
    kustomization = yaml.safe_load((pattern / "kustomization.yaml").read_text())
    files = sorted(p.name for p in pattern.glob("*.yaml") if p.name != "kustomization.yaml")
    if sorted(kustomization.get("resources", [])) != files:
        fail(name, f"kustomization.yaml lists {sorted(kustomization.get('resources', []))}, the folder holds {files}")
    if [i["name"] for i in kustomization.get("images", [])] != ["agentstate"]:
        fail(name, "kustomization.yaml must set the one image to edit, named agentstate")
    docs = [d for f in files for d in yaml.safe_load_all((pattern / f).read_text()) if d]
    kinds = {d["kind"] for d in docs}
    for needed in ("Namespace", "Secret", "Service", "NetworkPolicy"):
        if needed not in kinds:
            fail(name, f"no {needed}")

    for doc in docs:
        where = f"{name}/{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] == "ConfigMap":
            for key, value in doc.get("data", {}).items():
                if re.search(r"://[^/\s:@]+:[^@\s]+@", value) or re.search(r"(?i)^\s*(requirepass|masterauth|sentinel auth-pass \S+)\s+(?!\"?\$)\S+", value, re.M):
                    fail(where, f"{key} holds a credential; it belongs in the Secret")
        for spec in pod_specs(doc):
            containers = spec.get("initContainers", []) + spec["containers"]
            for c in containers:
                for e in c.get("env", []):
                    if "valueFrom" in e and "secretKeyRef" in e["valueFrom"]:
                        fail(where, f"{c['name']} takes {e['name']} from a Secret as a variable: mount it as a file")
                    if re.search(r"://[^/\s:@]*:[^@\s]+@", e.get("value") or ""):
                        fail(where, f"{c['name']} has a password in {e['name']}")
            servers = [c for c in spec["containers"] if c["image"].startswith("agentstate:") and c.get("args", [None])[0] == "serve"]
            for c in servers:
                if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/health/live":
                    fail(where, "the liveness probe must ask /health/live")
                if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/health/ready":
                    fail(where, "the readiness probe must ask /health/ready")
                drain = int(env_of(c).get("AGENTSTATE_DRAIN_SECONDS") or 10)
                pause = 0
                pre_stop = c.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
                if pre_stop[:1] == ["sleep"]:
                    pause = int(pre_stop[1])
                grace = spec.get("terminationGracePeriodSeconds", 30)
                if grace < pause + drain + 5:
                    fail(where, f"grace period {grace}s leaves no room for the {pause}s pause and {drain}s drain")
                annotations = doc["spec"]["template"]["metadata"].get("annotations", {})
                if annotations.get("prometheus.io/scrape") != "true" or annotations.get("prometheus.io/path") != "/metrics":
                    fail(where, "no Prometheus scrape annotations")
                if not any(i["name"] == "migrate" and i.get("args") == ["migrate"] for i in spec.get("initContainers", [])):
                    fail(where, "no migrate init container")
            for c in containers:
                r = c.get("resources", {})
                if not all(k in r.get("requests", {}) and k in r.get("limits", {}) for k in ("cpu", "memory")):
                    fail(where, f"{c['name']} needs cpu and memory requests and limits")

    # The databases a pattern runs in the cluster take connections from the servers only.
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    for db in (d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["labels"].get("app.kubernetes.io/name") != "agentstate"):
        labels = db["spec"]["template"]["metadata"]["labels"]
        guarding = [p for p in policies if p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
                    and p["spec"]["podSelector"].get("matchLabels") and "Ingress" in p["spec"]["policyTypes"]]
        if not guarding or any(not rule.get("from") for p in guarding for rule in p["spec"].get("ingress", [])):
            fail(f"{name}/{db['metadata']['name']}", "no NetworkPolicy limiting who may connect")

for f in failures:
    print(f"deploy check: {f}")
sys.exit(1 if failures else 0)
