"""The environment `up` gives each part is read by that part's Settings as meant."""

from pathlib import Path

import pytest

from services.datadir import ADMIN_PASSWORD_VARIABLE, DataDir
from services.environment import (
    INTERNAL_SECRET_KEY,
    JWKS_PATH,
    connect_host,
    env_names,
    local_environment,
)
from services.registry import (
    GATEWAY,
    IDENTIFICATION,
    PARTS,
    SERVICES,
    Part,
    service_urls,
    subscriptions,
)

PASSWORD = "a-bootstrap-password"


def settings_from(part: Part, environment: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return part.settings_class()()


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_each_part_reads_its_database_secret_and_the_topology(
    part: Part, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = DataDir(tmp_path)
    environment = local_environment(
        part,
        data_dir,
        host="0.0.0.0",
        base_port=9100,
        admin_password=PASSWORD,
    )
    assert all(
        name.startswith(part.env_prefix) or name == ADMIN_PASSWORD_VARIABLE for name in environment
    )
    settings = settings_from(part, environment, monkeypatch)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/{part.name}.db"
    assert settings.internal_secret == data_dir.key(INTERNAL_SECRET_KEY)
    assert settings.service_urls == service_urls("127.0.0.1", 9100)
    assert settings.subscriptions == subscriptions()


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_services_verify_tokens_with_the_gateways_published_keys(
    service: Part, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = local_environment(
        service,
        DataDir(tmp_path),
        host="127.0.0.1",
        base_port=9100,
        admin_password=PASSWORD,
    )
    settings = settings_from(service, environment, monkeypatch)
    assert settings.jwks_url == f"http://127.0.0.1:9100{JWKS_PATH}"


def test_the_gateway_keeps_its_keys_in_the_data_folder_and_gets_the_admin_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = local_environment(
        GATEWAY,
        DataDir(tmp_path),
        host="127.0.0.1",
        base_port=9100,
        admin_password=PASSWORD,
    )
    settings = settings_from(GATEWAY, environment, monkeypatch)
    assert Path(settings.data_dir) == tmp_path.resolve()
    assert settings.bootstrap_admin_password.get_secret_value() == PASSWORD


def test_keys_without_a_default_are_made_once_per_data_folder_and_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = DataDir(tmp_path)

    def environment() -> dict[str, str]:
        return local_environment(
            IDENTIFICATION, data_dir, host="127.0.0.1", base_port=9100, admin_password=None
        )

    assert environment() == environment()
    settings = settings_from(IDENTIFICATION, environment(), monkeypatch)
    keys = [getattr(settings, key).get_secret_value() for key in IDENTIFICATION.keys]
    assert len(set(keys)) == len(keys) == 2


def test_the_admin_password_variable_is_the_gateways_setting() -> None:
    assert env_names(GATEWAY.settings_class())["bootstrap_admin_password"] == (
        ADMIN_PASSWORD_VARIABLE
    )


def test_every_part_reads_the_prefix_the_registry_gives_it() -> None:
    for part in PARTS:
        assert part.settings_class().model_config["env_prefix"] == part.env_prefix


@pytest.mark.parametrize(
    ("host", "expected"),
    [("0.0.0.0", "127.0.0.1"), ("::", "[::1]"), ("127.0.0.1", "127.0.0.1"), ("nirm", "nirm")],
)
def test_clients_reach_a_wildcard_listener_on_loopback(host: str, expected: str) -> None:
    assert connect_host(host) == expected
