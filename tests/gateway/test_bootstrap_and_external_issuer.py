"""How the gateway starts: the bootstrap administrator made once from
`NIRM_BOOTSTRAP_ADMIN_PASSWORD`, and the mode where an external OpenID Connect issuer
signs the tokens instead of the gateway."""

import uuid

from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select

from gateway.identity.models import Organisation, User
from gateway.settings import Settings
from tests.gateway.conftest import ADMIN_PASSWORD, bearer, gateway_alone
from tests.support.apps import SuiteTransport
from tests.support.auth import TokenIssuer


async def count(app: FastAPI, model: type) -> int:
    async with app.state.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_bootstrap_password_is_read_from_its_suite_wide_variable(monkeypatch) -> None:
    monkeypatch.setenv("NIRM_BOOTSTRAP_ADMIN_PASSWORD", "from-the-environment")
    monkeypatch.setenv("NIRM_GATEWAY_RATE_LIMIT", "120")
    settings = Settings()
    assert settings.bootstrap_admin_password is not None
    assert settings.bootstrap_admin_password.get_secret_value() == "from-the-environment"
    assert settings.rate_limit == 120
    assert "from-the-environment" not in repr(settings)


async def test_no_password_no_bootstrap_admin(gateway_settings) -> None:
    settings = gateway_settings.model_copy(update={"bootstrap_admin_password": None})
    async with gateway_alone(settings) as gateway:
        assert await count(gateway.app, User) == 0
        assert (await gateway.login("admin", ADMIN_PASSWORD)).status_code == 400


async def test_the_bootstrap_admin_is_made_once_and_never_reset(gateway_settings) -> None:
    async with gateway_alone(gateway_settings) as gateway:
        assert (await gateway.login("admin", ADMIN_PASSWORD)).status_code == 200
    restarted = gateway_settings.model_copy(
        update={"bootstrap_admin_password": SecretStr("another-password")}
    )
    async with gateway_alone(restarted) as gateway:
        assert await count(gateway.app, User) == 1
        assert await count(gateway.app, Organisation) == 1
        assert (await gateway.login("admin", ADMIN_PASSWORD)).status_code == 200
        assert (await gateway.login("admin", "another-password")).status_code == 400


IDP_ISSUER = "https://idp.example"


def identity_provider(issuer: TokenIssuer) -> FastAPI:
    """An external OpenID Connect provider, as far as the gateway sees one: its keys."""
    app = FastAPI()

    @app.get("/jwks")
    async def jwks() -> dict:
        return issuer.jwks

    return app


async def test_an_external_issuers_tokens_are_accepted_instead(gateway_settings) -> None:
    idp = TokenIssuer(kid="idp-key")
    settings = gateway_settings.model_copy(
        update={"oidc_jwks_url": "http://idp/jwks", "oidc_issuer": IDP_ISSUER}
    )
    async with gateway_alone(settings, SuiteTransport({"idp": identity_provider(idp)})) as gateway:
        assert await count(gateway.app, User) == 0  # no bootstrap admin: accounts are the IdP's
        admin = bearer(idp.token("admin", issuer=IDP_ISSUER, organisation_kind="ministry_it"))
        created = await gateway.http.post(
            "/api/v1/organisations",
            json={"name": "DGASPC Iași", "kind": "child_protection", "county": "RO-IS"},
            headers=admin,
        )
        assert created.status_code == 201
        organisation_id = uuid.UUID(created.json()["id"])

        worker = idp.token(
            "social_worker",
            issuer=IDP_ISSUER,
            organisation_id=organisation_id,
            organisation_kind="child_protection",
            username="maria",
        )
        me = await gateway.http.get("/api/v1/me", headers=bearer(worker))
        assert me.status_code == 200
        assert me.json()["username"] == "maria"
        assert me.json()["organisation"]["name"] == "DGASPC Iași"
        # Forwarded without an account lookup (the service itself is down here).
        forwarded = await gateway.http.get("/api/v1/cases", headers=bearer(worker))
        assert forwarded.status_code == 503

        stranger = idp.token("social_worker", issuer=IDP_ISSUER)
        assert (await gateway.http.get("/api/v1/me", headers=bearer(stranger))).status_code == 404
        wrong_issuer = idp.token("admin")
        assert (
            await gateway.http.get("/api/v1/me", headers=bearer(wrong_issuer))
        ).status_code == 401

        refused = await gateway.http.post(
            "/api/v1/auth/token", data={"grant_type": "password", "username": "a", "password": "b"}
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == "unsupported_grant_type"
        assert (await gateway.http.get("/.well-known/jwks.json")).status_code == 404
        document = (await gateway.http.get("/api/v1/openapi.json")).json()
        assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
