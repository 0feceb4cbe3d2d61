"""docker-compose.yml follows services/registry.py and each part's Settings.

A container per part, a PostgreSQL container per part, the registry's ports, variables
that the part's Settings really read, the registry's URLs and subscriptions, and secrets
only as required references to the deployer's environment.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from services.__main__ import PART_VARIABLE
from services.environment import INTERNAL_SECRET_KEY, JWKS_PATH, env_names
from services.registry import GATEWAY, PARTS, SERVICES, Part, subscriptions

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
# `${NAME:?message}`: docker-compose refuses to start while NAME is unset.
REQUIRED_REFERENCE = re.compile(r"\$\{([A-Z0-9_]+):\?[^}]+\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def container(compose: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"][name]
    return found


def environment(compose: dict[str, Any], part: Part) -> dict[str, str]:
    variables: dict[str, str] = container(compose, part.name)["environment"]
    return variables


def variable(part: Part, field: str) -> str:
    return env_names(part.settings_class())[field]


def required_reference(value: str) -> str:
    """The variable a value takes whole from the deployer's environment."""
    match = REQUIRED_REFERENCE.fullmatch(value)
    assert match, f"{value!r} is not a required ${{VAR:?message}} reference"
    return match.group(1)


def database_container(part: Part) -> str:
    return f"{part.name}-db"


by_part = pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)


def test_the_project_is_named_by_whoever_runs_it(compose: dict[str, Any]) -> None:
    assert "name" not in compose


def test_there_is_a_container_per_part_and_a_database_per_part_and_nothing_else(
    compose: dict[str, Any],
) -> None:
    expected = {p.name for p in PARTS} | {database_container(p) for p in PARTS}
    assert set(compose["services"]) == expected


def test_every_part_runs_the_one_image_and_is_picked_by_nirm_part(
    compose: dict[str, Any],
) -> None:
    images = {
        (container(compose, p.name)["image"], container(compose, p.name)["build"]) for p in PARTS
    }
    assert len(images) == 1
    for part in PARTS:
        assert environment(compose, part)[PART_VARIABLE] == part.name


@by_part
def test_each_part_has_its_own_postgresql_with_its_own_role(
    compose: dict[str, Any], part: Part
) -> None:
    database = container(compose, database_container(part))
    assert database["image"].startswith("postgres:")
    settings = database["environment"]
    assert settings["POSTGRES_DB"] == settings["POSTGRES_USER"] == part.database_name
    assert "pg_isready" in database["healthcheck"]["test"]
    assert part.database_name in database["healthcheck"]["test"]

    url = make_url(environment(compose, part)[variable(part, "database_url")])
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port) == (database_container(part), 5432)
    assert url.database == url.username == part.database_name
    assert url.password is not None
    assert required_reference(str(url.password)) == required_reference(
        settings["POSTGRES_PASSWORD"]
    )
    dependency = container(compose, part.name)["depends_on"][database_container(part)]
    assert dependency == {"condition": "service_healthy"}


@by_part
def test_each_part_listens_on_its_registry_port_and_is_checked_there(
    compose: dict[str, Any], part: Part
) -> None:
    service = container(compose, part.name)
    port = part.port()
    health = service["healthcheck"]["test"]
    assert f"http://127.0.0.1:{port}/health/ready" in " ".join(health)
    if part == GATEWAY:
        assert service["ports"] == [f"{port}:{port}"]
    else:
        # Only the gateway is public; the services are reached inside the compose network.
        assert "ports" not in service
        assert service["expose"] == [str(port)]


@by_part
def test_every_variable_is_one_the_parts_settings_read(compose: dict[str, Any], part: Part) -> None:
    known = set(env_names(part.settings_class()).values()) | {PART_VARIABLE}
    assert set(environment(compose, part)) <= known


@by_part
def test_every_part_knows_the_registrys_urls_and_subscriptions(
    compose: dict[str, Any], part: Part
) -> None:
    variables = environment(compose, part)
    urls = json.loads(variables[variable(part, "service_urls")])
    assert urls == {p.name: f"http://{p.name}:{p.port()}" for p in PARTS}
    assert json.loads(variables[variable(part, "subscriptions")]) == subscriptions()


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_services_verify_tokens_with_the_gateways_keys(
    compose: dict[str, Any], service: Part
) -> None:
    jwks_url = environment(compose, service)[variable(service, "jwks_url")]
    assert jwks_url == f"http://{GATEWAY.name}:{GATEWAY.port()}{JWKS_PATH}"


@by_part
def test_secrets_are_required_from_the_environment_never_written_here(
    compose: dict[str, Any], part: Part
) -> None:
    variables = environment(compose, part)
    # Every part signs and verifies event deliveries with the same secret.
    assert required_reference(variables[variable(part, INTERNAL_SECRET_KEY)]) == (
        "NIRM_INTERNAL_SECRET"
    )
    for key in part.keys:
        assert required_reference(variables[variable(part, key)]) == variable(part, key)
    for name, field in part.settings_class().model_fields.items():
        is_secret = SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
        if is_secret and variable(part, name) in variables:
            required_reference(variables[variable(part, name)])


def test_the_gateway_keeps_its_signing_key_on_a_volume(compose: dict[str, Any]) -> None:
    data_dir = environment(compose, GATEWAY)[variable(GATEWAY, "data_dir")]
    volumes = container(compose, GATEWAY.name)["volumes"]
    assert any(volume.endswith(f":{data_dir}") for volume in volumes)
    assert required_reference(
        environment(compose, GATEWAY)[variable(GATEWAY, "bootstrap_admin_password")]
    )
