"""deploy/kubernetes follows services/registry.py and each part's Settings.

The kustomize base builds (`kubectl kustomize`) into resources that are valid Kubernetes
(`kubernetes-validate`, offline); it makes a Deployment, Service, migration Job,
PodDisruptionBudget and HorizontalPodAutoscaler per part of the registry and nothing
more but the topology, the network policies and the gateway's Ingress; each part listens
on its registry port, is probed there, reads only variables its Settings read, gets the
registry's URLs and subscriptions, and takes every secret from a Secret the platform
makes — none is written in the files.
"""

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic import SecretStr

from services.environment import INTERNAL_SECRET_KEY, JWKS_PATH, env_names
from services.registry import GATEWAY, PARTS, SERVICES, Part, subscriptions

BASE = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"
PER_PART = ("Deployment", "Service", "Job", "PodDisruptionBudget", "HorizontalPodAutoscaler")
SUITE_WIDE = {("ConfigMap", "nirm-topology"), ("Ingress", "gateway")}
# Where each part's database URL and the shared internal secret come from.
INTERNAL_SECRET = {"name": "nirm-internal", "key": "internal-secret"}


def secret_of(part: Part) -> str:
    return f"nirm-{part.name}"


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    """The base as `kubectl kustomize` builds it (.ci/run installs kubectl)."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed (Debian: apt-get install kubernetes-client)"
    built = subprocess.run(
        [kubectl, "kustomize", str(BASE)], capture_output=True, text=True, check=True
    )
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


def find(rendered: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [found] = [d for d in rendered if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def container(rendered: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [only] = find(rendered, kind, name)["spec"]["template"]["spec"]["containers"]
    return dict(only)


def env(container_spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    variables = {item["name"]: item for item in container_spec["env"]}
    assert len(variables) == len(container_spec["env"]), "a variable given twice"
    return variables


def secret_ref(item: dict[str, Any]) -> dict[str, str]:
    assert "value" not in item, f"{item['name']} is written in the manifest"
    ref: dict[str, str] = item["valueFrom"]["secretKeyRef"]
    return ref


def config_ref(item: dict[str, Any]) -> str:
    ref = item["valueFrom"]["configMapKeyRef"]
    assert ref["name"] == "nirm-topology"
    return str(ref["key"])


def variable(part: Part, field: str) -> str:
    return env_names(part.settings_class())[field]


by_part = pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)


def test_every_resource_is_valid_kubernetes(rendered: list[dict[str, Any]]) -> None:
    for resource in rendered:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_base_makes_each_parts_resources_and_nothing_else(
    rendered: list[dict[str, Any]],
) -> None:
    made = Counter((d["kind"], d["metadata"]["name"]) for d in rendered)
    assert set(made.values()) == {1}
    expected = {(kind, p.name) for p in PARTS for kind in PER_PART if kind != "Job"}
    expected |= {("Job", f"{p.name}-migrate") for p in PARTS}
    expected |= {("NetworkPolicy", p.name) for p in PARTS}
    expected |= {("NetworkPolicy", "nirm-default-deny")} | SUITE_WIDE
    assert set(made) == expected


def test_no_secret_is_made_or_generated_here(rendered: list[dict[str, Any]]) -> None:
    assert not [d for d in rendered if d["kind"] == "Secret"]
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    assert "secretGenerator" not in kustomization


@by_part
def test_each_part_serves_on_its_registry_port_waiting_for_its_migration_job(
    rendered: list[dict[str, Any]], part: Part
) -> None:
    server = container(rendered, "Deployment", part.name)
    port = part.port()
    assert server["args"] == [
        "serve", part.name, "--host", "0.0.0.0", "--port", str(port), "--no-migrate"
    ]  # fmt: skip
    assert server["ports"] == [{"name": "http", "containerPort": port}]
    probes = {name: server[name]["httpGet"] for name in ("livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"] == {"path": "/health/live", "port": "http"}
    assert probes["readinessProbe"] == {"path": "/health/ready", "port": "http"}
    assert server["startupProbe"]["httpGet"]["path"].startswith("/health/")
    for limit in ("requests", "limits"):
        assert set(server["resources"][limit]) == {"cpu", "memory"}

    service = find(rendered, "Service", part.name)["spec"]
    assert service["ports"] == [{"name": "http", "port": port, "targetPort": "http"}]
    pods = find(rendered, "Deployment", part.name)["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= pods.items()

    job = container(rendered, "Job", f"{part.name}-migrate")
    assert job["args"] == ["migrate", part.name]
    # The job is given the database and nothing else.
    [(name, item)] = env(job).items()
    assert name == variable(part, "database_url")
    assert secret_ref(item) == secret_ref(env(server)[name])


@by_part
def test_every_variable_is_one_the_parts_settings_read(
    rendered: list[dict[str, Any]], part: Part
) -> None:
    known = set(env_names(part.settings_class()).values())
    assert set(env(container(rendered, "Deployment", part.name))) <= known


@by_part
def test_secrets_come_from_the_platforms_secrets_never_from_the_files(
    rendered: list[dict[str, Any]], part: Part
) -> None:
    variables = env(container(rendered, "Deployment", part.name))
    database = secret_ref(variables[variable(part, "database_url")])
    assert database == {"name": secret_of(part), "key": "database-url"}
    assert secret_ref(variables[variable(part, INTERNAL_SECRET_KEY)]) == INTERNAL_SECRET
    for key in part.keys:
        assert secret_ref(variables[variable(part, key)])["name"] == secret_of(part)
    for name, field in part.settings_class().model_fields.items():
        is_secret = SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
        if is_secret and variable(part, name) in variables:
            secret_ref(variables[variable(part, name)])
    for item in variables.values():
        assert "value" not in item, f"{item['name']}: settings come from a Secret or ConfigMap"


def test_the_gateway_replicas_share_one_signing_key(rendered: list[dict[str, Any]]) -> None:
    variables = env(container(rendered, "Deployment", GATEWAY.name))
    key = secret_ref(variables[variable(GATEWAY, "signing_key_pem")])
    assert key["name"] == secret_of(GATEWAY)
    secret_ref(variables[variable(GATEWAY, "bootstrap_admin_password")])


@by_part
def test_every_part_knows_the_registrys_urls_and_subscriptions(
    rendered: list[dict[str, Any]], part: Part
) -> None:
    topology = find(rendered, "ConfigMap", "nirm-topology")["data"]
    assert json.loads(topology["service-urls"]) == {
        p.name: f"http://{p.name}:{p.port()}" for p in PARTS
    }
    assert json.loads(topology["subscriptions"]) == subscriptions()
    assert topology["jwks-url"] == f"http://{GATEWAY.name}:{GATEWAY.port()}{JWKS_PATH}"
    variables = env(container(rendered, "Deployment", part.name))
    assert config_ref(variables[variable(part, "service_urls")]) == "service-urls"
    assert config_ref(variables[variable(part, "subscriptions")]) == "subscriptions"
    if part != GATEWAY:
        assert config_ref(variables[variable(part, "jwks_url")]) == "jwks-url"


@by_part
def test_each_part_runs_replicas_kept_available_and_scaled_on_cpu(
    rendered: list[dict[str, Any]], part: Part
) -> None:
    deployment = find(rendered, "Deployment", part.name)["spec"]
    assert deployment["replicas"] >= 2
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pods = deployment["template"]["metadata"]["labels"]
    budget = find(rendered, "PodDisruptionBudget", part.name)["spec"]
    assert budget["minAvailable"] == 1
    assert budget["selector"]["matchLabels"].items() <= pods.items()
    scaler = find(rendered, "HorizontalPodAutoscaler", part.name)["spec"]
    assert scaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": part.name
    }  # fmt: skip
    assert scaler["minReplicas"] >= 2
    [metric] = scaler["metrics"]
    assert metric["resource"]["name"] == "cpu"


def test_only_the_gateway_is_public(rendered: list[dict[str, Any]]) -> None:
    ingresses = [d for d in rendered if d["kind"] == "Ingress"]
    backends = [
        path["backend"]["service"]
        for ingress in ingresses
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends
    assert all(b == {"name": GATEWAY.name, "port": {"number": GATEWAY.port()}} for b in backends)
    [rule] = find(rendered, "NetworkPolicy", GATEWAY.name)["spec"]["ingress"]
    assert rule == {"ports": [{"port": GATEWAY.port()}]}


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_a_service_is_reached_only_from_the_suites_own_servers(
    rendered: list[dict[str, Any]], service: Part
) -> None:
    deny = find(rendered, "NetworkPolicy", "nirm-default-deny")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
    policy = find(rendered, "NetworkPolicy", service.name)["spec"]
    pods = find(rendered, "Deployment", service.name)["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= pods.items()
    [rule] = policy["ingress"]
    assert rule["ports"] == [{"port": service.port()}]
    servers = [
        find(rendered, "Deployment", p.name)["spec"]["template"]["metadata"]["labels"]
        for p in PARTS
    ]
    for source in rule["from"]:
        # Pods of this namespace only (no address block, no other namespace), and only
        # the suite's servers: the gateway and the services.
        assert set(source) == {"podSelector"}
        selector = source["podSelector"]["matchLabels"]
        assert all(selector.items() <= labels.items() for labels in servers)
        assert selector.get("app.kubernetes.io/part-of") == "nirm"
        assert selector.get("app.kubernetes.io/component") == "server"
