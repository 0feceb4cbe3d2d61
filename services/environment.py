"""How configuration reaches a part: environment variables named after its `Settings`.

A part reads its settings only from its environment (pydantic-settings), so the embedded
suite, containers and Kubernetes configure it the same way. This module owns the spelling
of a settings field as a variable, and the environment of each part of the embedded suite
that `python -m services up` runs on one machine.
"""

import json

from pydantic_settings import BaseSettings

from services.datadir import DataDir
from services.registry import GATEWAY, Part, service_urls, subscriptions

# Where the gateway publishes the public half of its signing keys.
JWKS_PATH = "/.well-known/jwks.json"
INTERNAL_SECRET_KEY = "internal_secret"
# Addresses a server listens on that a client cannot connect to: clients use loopback.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}  # noqa: S104


def env_names(settings_class: type[BaseSettings]) -> dict[str, str]:
    """Each field of a settings class -> the environment variable pydantic-settings reads."""
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    names = {}
    for name, field in settings_class.model_fields.items():
        # A suite-wide name (`NIRM_BOOTSTRAP_ADMIN_PASSWORD`) is given as a validation alias.
        alias = field.validation_alias
        names[name] = (alias if isinstance(alias, str) else f"{prefix}{name}").upper()
    return names


def connect_host(host: str) -> str:
    """The host a client uses to reach a server listening on `host`."""
    return _WILDCARD_HOSTS.get(host, host)


def local_environment(
    part: Part,
    data_dir: DataDir,
    *,
    host: str,
    base_port: int,
    admin_password: str | None,
) -> dict[str, str]:
    """The variables `up` gives one part: its SQLite file, its keys and the topology."""
    urls = service_urls(connect_host(host), base_port)
    values = {
        "database_url": data_dir.database_url(part.name),
        # One secret for all parts: each signs the event deliveries the others verify.
        "internal_secret": data_dir.key(INTERNAL_SECRET_KEY),
        "service_urls": json.dumps(urls),
        "subscriptions": json.dumps(subscriptions()),
    }
    values.update({key: data_dir.key(f"{part.name}_{key}") for key in part.keys})
    if part == GATEWAY:
        # The gateway makes its signing key pair in its data folder on first start.
        values["data_dir"] = str(data_dir.path)
        if admin_password is not None:
            values["bootstrap_admin_password"] = admin_password
    else:
        # Services fetch the gateway's public keys lazily, at the first token they verify.
        values["jwks_url"] = urls[GATEWAY.name] + JWKS_PATH
    names = env_names(part.settings_class())
    return {names[field]: value for field, value in values.items()}
