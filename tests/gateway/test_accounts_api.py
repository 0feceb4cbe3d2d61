"""Accounts through the gateway's own API: the bootstrap admin creates organisations,
users and API clients; every field is validated and named when wrong."""

import uuid

import pytest

from shared.app import MAX_BODY_BYTES
from tests.gateway.conftest import USER_PASSWORD, Gateway, bearer
from tests.support.problems import assert_problem


async def test_bootstrap_admin_creates_an_organisation_and_a_police_user_who_logs_in(
    gateway: Gateway,
) -> None:
    admin = await gateway.admin()
    organisation = await gateway.http.post(
        "/api/v1/organisations",
        json={"name": "IPJ Cluj", "kind": "police", "county": "RO-CJ"},
        headers=admin,
    )
    assert organisation.status_code == 201
    assert organisation.headers["location"] == f"/api/v1/organisations/{organisation.json()['id']}"
    created = await gateway.http.post(
        "/api/v1/users",
        json={
            "username": "Ioana.Pop",
            "password": USER_PASSWORD,
            "full_name": "Ioana Pop",
            "organisation_id": organisation.json()["id"],
            "roles": ["police"],
        },
        headers=admin,
    )
    assert created.status_code == 201
    assert "password" not in created.text
    assert "hash" not in created.text

    token = await gateway.token("ioana.pop")  # usernames ignore case
    me = await gateway.http.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json() == {
        "user_id": created.json()["id"],
        "username": "Ioana.Pop",
        "kind": "user",
        "organisation": {
            "id": organisation.json()["id"],
            "name": "IPJ Cluj",
            "kind": "police",
            "county": "RO-CJ",
        },
        "roles": ["police"],
    }


async def test_the_bootstrap_admin_belongs_to_the_national_administration(
    gateway: Gateway,
) -> None:
    me = (await gateway.http.get("/api/v1/me", headers=await gateway.admin())).json()
    assert me["username"] == "admin"
    assert me["roles"] == ["admin"]
    assert me["organisation"]["name"] == "NIRM administration"
    assert me["organisation"]["kind"] == "ministry_it"
    assert me["organisation"]["county"] == "national"


def fields_of(response) -> set[str]:
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"] for error in response.json().get("errors", [])}


async def test_a_username_is_unique_whatever_its_case(gateway: Gateway) -> None:
    user = await gateway.user("police", username="mihai")
    response = await gateway.http.post(
        "/api/v1/users",
        json={
            "username": "MIHAI",
            "password": USER_PASSWORD,
            "full_name": "Another Mihai",
            "organisation_id": user["organisation_id"],
            "roles": ["police"],
        },
        headers=await gateway.admin(),
    )
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/conflict"


HUGE = "x" * 100_000
SQL = "'; DROP TABLE users; --"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": HUGE, "kind": "police", "county": "RO-CJ"}, "name"),
        ({"name": "", "kind": "police", "county": "RO-CJ"}, "name"),
        ({"name": ["IPJ"], "kind": "police", "county": "RO-CJ"}, "name"),
        ({"name": "IPJ", "kind": "army", "county": "RO-CJ"}, "kind"),
        ({"name": "IPJ", "kind": 7, "county": "RO-CJ"}, "kind"),
        ({"name": "IPJ", "kind": "police", "county": "RO-XX"}, "county"),
        ({"name": "IPJ", "kind": "police", "county": SQL}, "county"),
        ({"name": "IPJ", "kind": "police", "county": HUGE}, "county"),
        ({"name": "IPJ", "kind": "police"}, "county"),
        ({"name": "IPJ", "kind": "police", "county": "RO-CJ", "admin": True}, "admin"),
    ],
)
async def test_a_bad_organisation_is_refused_naming_the_field(
    gateway: Gateway, body: dict, field: str
) -> None:
    response = await gateway.http.post(
        "/api/v1/organisations", json=body, headers=await gateway.admin()
    )
    assert response.status_code == 422
    assert field in fields_of(response)


async def test_sql_looking_text_is_stored_as_text(gateway: Gateway) -> None:
    organisation = await gateway.organisation(name=SQL, county="national", kind="ngo")
    listed = await gateway.http.get(
        "/api/v1/organisations", params={"kind": "ngo"}, headers=await gateway.admin()
    )
    assert [o["name"] for o in listed.json()["items"]] == [SQL]
    assert organisation["county"] == "national"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "a b"}, "username"),
        ({"username": SQL}, "username"),
        ({"username": HUGE}, "username"),
        ({"password": "short"}, "password"),
        ({"password": HUGE}, "password"),
        ({"password": 123456789012345}, "password"),
        ({"full_name": HUGE}, "full_name"),
        ({"organisation_id": "not-a-uuid"}, "organisation_id"),
        ({"organisation_id": str(uuid.uuid4())}, "organisation_id"),
        ({"roles": ["superuser"]}, "roles.0"),
        ({"roles": []}, "roles"),
        ({"roles": ["police", "police"]}, "roles"),
        ({"roles": "police"}, "roles"),
        ({"roles": None}, "roles"),
    ],
)
async def test_a_bad_user_is_refused_naming_the_field(
    gateway: Gateway, changes: dict, field: str
) -> None:
    organisation = await gateway.organisation()
    body = {
        "username": "elena",
        "password": USER_PASSWORD,
        "full_name": "Elena Ionescu",
        "organisation_id": organisation["id"],
        "roles": ["social_worker"],
        **changes,
    }
    response = await gateway.http.post("/api/v1/users", json=body, headers=await gateway.admin())
    assert response.status_code == 422
    assert field in fields_of(response)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/users", {"limit": 0}, "limit"),
        ("/api/v1/users", {"limit": 10_000}, "limit"),
        ("/api/v1/users", {"cursor": "garbage"}, "cursor"),
        ("/api/v1/users", {"cursor": "x" * 5000}, "cursor"),
        ("/api/v1/users", {"organisation_id": SQL}, "organisation_id"),
        ("/api/v1/users", {"active": "perhaps"}, "active"),
        ("/api/v1/organisations", {"kind": "army"}, "kind"),
        ("/api/v1/organisations", {"county": "RO-ZZ"}, "county"),
        ("/api/v1/clients", {"organisation_id": "1"}, "organisation_id"),
        ("/api/v1/users/not-a-uuid", {}, "user_id"),
        ("/api/v1/organisations/1%20OR%201=1", {}, "organisation_id"),
        ("/api/v1/clients/x", {}, "client_id"),
    ],
)
async def test_bad_query_and_path_values_are_refused_naming_them(
    gateway: Gateway, path: str, params: dict, field: str
) -> None:
    response = await gateway.http.get(path, params=params, headers=await gateway.admin())
    assert response.status_code == 422
    assert field in fields_of(response)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [("{not json", "application/json"), ("[]", "application/json"), ("x=1", "text/plain")],
)
async def test_a_body_that_is_not_an_object_is_refused(
    gateway: Gateway, content: str, content_type: str
) -> None:
    response = await gateway.http.post(
        "/api/v1/organisations",
        content=content,
        headers={**await gateway.admin(), "Content-Type": content_type},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_body_over_the_limit_is_refused_before_it_is_read(gateway: Gateway) -> None:
    response = await gateway.http.post(
        "/api/v1/users",
        content=b"{" + b" " * (5 * 1024 * 1024) + b"}",
        headers={**await gateway.admin(), "Content-Type": "application/json"},
    )
    assert_problem(
        response,
        413,
        slug="payload-too-large",
        detail=f"The body may not exceed {MAX_BODY_BYTES} bytes.",
    )


async def test_unknown_ids_are_404(gateway: Gateway) -> None:
    admin = await gateway.admin()
    for path, detail in (
        ("/api/v1/users/", "No such user."),
        ("/api/v1/organisations/", "No such organisation."),
        ("/api/v1/clients/", "No such API client."),
    ):
        response = await gateway.http.get(f"{path}{uuid.uuid4()}", headers=admin)
        assert_problem(response, 404, slug="not-found", detail=detail)
    patched = await gateway.http.patch(
        f"/api/v1/users/{uuid.uuid4()}", json={"full_name": "X"}, headers=admin
    )
    assert_problem(patched, 404, slug="not-found", detail="No such user.")


async def test_lists_page_with_a_cursor_and_filter(gateway: Gateway) -> None:
    organisation = await gateway.organisation(name="DGASPC Cluj", kind="child_protection")
    for number in range(3):
        await gateway.user(
            "social_worker", username=f"worker{number}", organisation_id=organisation["id"]
        )
    admin = await gateway.admin()
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, "organisation_id": organisation["id"]}
        if cursor:
            params["cursor"] = cursor
        page = (await gateway.http.get("/api/v1/users", params=params, headers=admin)).json()
        seen += [user["username"] for user in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["worker0", "worker1", "worker2"]
    everyone = (await gateway.http.get("/api/v1/users", headers=admin)).json()["items"]
    assert {user["username"] for user in everyone} == {"admin", *seen}


async def test_patching_a_user_changes_only_what_is_sent(gateway: Gateway) -> None:
    user = await gateway.user("police")
    response = await gateway.http.patch(
        f"/api/v1/users/{user['id']}",
        json={"full_name": "Ana Maria Popescu"},
        headers=await gateway.admin(),
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ana Maria Popescu"
    assert response.json()["roles"] == ["police"]
    assert response.json()["active"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"roles": ["nobody"]}, "roles.0"),
        ({"active": [1]}, "active"),
        ({"password": "short"}, "password"),
        ({"username": "renamed"}, "username"),
        ({"full_name": ""}, "full_name"),
    ],
)
async def test_a_bad_patch_is_refused_naming_the_field(
    gateway: Gateway, changes: dict, field: str
) -> None:
    user = await gateway.user("police")
    response = await gateway.http.patch(
        f"/api/v1/users/{user['id']}", json=changes, headers=await gateway.admin()
    )
    assert response.status_code == 422
    assert field in fields_of(response)


async def test_an_admin_cannot_lock_themselves_out(gateway: Gateway) -> None:
    admin = await gateway.admin()
    me = (await gateway.http.get("/api/v1/me", headers=admin)).json()
    for changes in ({"active": False}, {"roles": ["auditor"]}):
        response = await gateway.http.patch(
            f"/api/v1/users/{me['user_id']}", json=changes, headers=admin
        )
        assert_problem(
            response,
            409,
            slug="conflict",
            detail="Administrators cannot disable themselves or drop their own admin role.",
        )


async def test_a_client_secret_is_shown_once(gateway: Gateway) -> None:
    organisation = await gateway.organisation()
    admin = await gateway.admin()
    created = await gateway.http.post(
        "/api/v1/clients",
        json={
            "name": "IGPR case system",
            "organisation_id": organisation["id"],
            "roles": ["police"],
        },
        headers=admin,
    )
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    secret = created.json()["client_secret"]
    assert len(secret) >= 40
    listed = await gateway.http.get("/api/v1/clients", headers=admin)
    assert [c["client_id"] for c in listed.json()["items"]] == [created.json()["client_id"]]
    assert secret not in listed.text
    one = await gateway.http.get(created.headers["location"], headers=admin)
    assert one.status_code == 200
    assert "client_secret" not in one.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"roles": ["root"]}, "roles.0"),
        ({"organisation_id": "x"}, "organisation_id"),
        ({"name": HUGE}, "name"),
        ({"client_secret": "mine"}, "client_secret"),
    ],
)
async def test_a_bad_client_is_refused_naming_the_field(
    gateway: Gateway, changes: dict, field: str
) -> None:
    organisation = await gateway.organisation()
    body = {"name": "system", "organisation_id": organisation["id"], "roles": ["system"], **changes}
    response = await gateway.http.post("/api/v1/clients", json=body, headers=await gateway.admin())
    assert response.status_code == 422
    assert field in fields_of(response)
