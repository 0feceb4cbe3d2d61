"""Routes of identity: `/api/v1/me` for anyone, and the administration of organisations,
users and API clients for holders of `manage_accounts` (admins)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from gateway.gatekeeper import authenticate
from gateway.identity.dependencies import Accounts, Administrator
from gateway.identity.exceptions import BadRequestSignature
from gateway.identity.models import ApiClient, Organisation, User
from gateway.identity.schemas import (
    ClientCreate,
    ClientCreated,
    ClientOut,
    ClientPage,
    ClientUpdate,
    Me,
    MeOrganisation,
    OrganisationCreate,
    OrganisationOut,
    OrganisationPage,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
)
from gateway.state import gateway_state
from shared.auth.deps import CurrentPrincipal, require
from shared.auth.policy import OrganisationKind, Permission
from shared.auth.revocations import (
    HORIZON,
    REVOCATIONS_PATH,
    RevocationList,
    RevokedAccount,
    signature_valid,
)
from shared.db import utcnow
from shared.errors import error_responses
from shared.fields import CountyOrNational
from shared.pagination import PageQuery
from shared.signing import SIGNATURE_HEADER

_AUTHENTICATED = [Depends(authenticate)]
_ADMIN = [*_AUTHENTICATED, Depends(require(Permission.MANAGE_ACCOUNTS))]


def _organisation_out(organisation: Organisation) -> OrganisationOut:
    return OrganisationOut.model_validate(organisation, from_attributes=True)


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def _client_out(client: ApiClient) -> ClientOut:
    return ClientOut(
        client_id=client.id,
        name=client.name,
        organisation_id=client.organisation_id,
        roles=client.roles,
        active=client.active,
        created_at=client.created_at,
        updated_at=client.updated_at,
    )


def _admin_router(collection: str) -> APIRouter:
    """The routes of `/api/v1/{collection}`, for account administrators only."""
    return APIRouter(
        prefix=f"/api/v1/{collection}",
        tags=[collection],
        dependencies=_ADMIN,
        responses=error_responses(401, 403, 422),
    )


me_router = APIRouter(
    prefix="/api/v1", tags=["me"], dependencies=_AUTHENTICATED, responses=error_responses(401)
)


@me_router.get("/me", responses=error_responses(404))
async def get_me(principal: CurrentPrincipal, accounts: Accounts) -> Me:
    """Who the token speaks for: the user (or API client), its organisation and roles.

    Read from the token, which the gateway has just checked against the account as it
    stands now, and the organisation's record."""
    organisation = await accounts.organisation_of(principal)
    return Me(
        user_id=principal.subject_id,
        username=principal.username,
        kind=principal.kind,
        organisation=MeOrganisation(
            id=organisation.id,
            name=organisation.name,
            kind=OrganisationKind(organisation.kind),
            county=organisation.county,
        ),
        roles=sorted(principal.roles),
    )


organisations_router = _admin_router("organisations")


@organisations_router.post("", status_code=status.HTTP_201_CREATED)
async def create_organisation(
    data: OrganisationCreate, accounts: Accounts, response: Response
) -> OrganisationOut:
    organisation = await accounts.create_organisation(data, utcnow())
    response.headers["Location"] = f"/api/v1/organisations/{organisation.id}"
    return _organisation_out(organisation)


@organisations_router.get("")
async def list_organisations(
    accounts: Accounts,
    admin: Administrator,
    page: PageQuery,
    kind: OrganisationKind | None = None,
    county: Annotated[CountyOrNational | None, Query()] = None,
) -> OrganisationPage:
    rows, cursor = await accounts.list_organisations(admin, page, kind=kind, county=county)
    return OrganisationPage(items=[_organisation_out(row) for row in rows], next_cursor=cursor)


@organisations_router.get("/{organisation_id}", responses=error_responses(404))
async def get_organisation(
    organisation_id: uuid.UUID, accounts: Accounts, admin: Administrator
) -> OrganisationOut:
    return _organisation_out(await accounts.organisation(admin, organisation_id))


users_router = _admin_router("users")


@users_router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def create_user(
    data: UserCreate, accounts: Accounts, admin: Administrator, response: Response
) -> UserOut:
    user = await accounts.create_user(data, admin, utcnow())
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return _user_out(user)


@users_router.get("")
async def list_users(
    accounts: Accounts,
    admin: Administrator,
    page: PageQuery,
    organisation_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> UserPage:
    rows, cursor = await accounts.list_users(
        admin, page, organisation_id=organisation_id, active=active
    )
    return UserPage(items=[_user_out(row) for row in rows], next_cursor=cursor)


@users_router.get("/{user_id}", responses=error_responses(404))
async def get_user(user_id: uuid.UUID, accounts: Accounts, admin: Administrator) -> UserOut:
    return _user_out(await accounts.user(admin, user_id))


@users_router.patch("/{user_id}", responses=error_responses(404, 409))
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, accounts: Accounts, admin: Administrator
) -> UserOut:
    """Change a user; a new password, new roles or `active: false` revoke its tokens."""
    return _user_out(await accounts.update_user(user_id, data, admin, utcnow()))


clients_router = _admin_router("clients")


@clients_router.post("", status_code=status.HTTP_201_CREATED)
async def create_client(
    data: ClientCreate, accounts: Accounts, admin: Administrator, response: Response
) -> ClientCreated:
    """Register an API client; its `client_secret` is in this answer only."""
    client, secret = await accounts.create_client(data, admin, utcnow())
    response.headers["Location"] = f"/api/v1/clients/{client.id}"
    response.headers["Cache-Control"] = "no-store"
    return ClientCreated(**_client_out(client).model_dump(), client_secret=secret)


@clients_router.get("")
async def list_clients(
    accounts: Accounts,
    admin: Administrator,
    page: PageQuery,
    organisation_id: uuid.UUID | None = None,
) -> ClientPage:
    rows, cursor = await accounts.list_clients(admin, page, organisation_id=organisation_id)
    return ClientPage(items=[_client_out(row) for row in rows], next_cursor=cursor)


@clients_router.get("/{client_id}", responses=error_responses(404))
async def get_client(client_id: uuid.UUID, accounts: Accounts, admin: Administrator) -> ClientOut:
    return _client_out(await accounts.client(admin, client_id))


@clients_router.patch("/{client_id}", responses=error_responses(404))
async def update_client(
    client_id: uuid.UUID, data: ClientUpdate, accounts: Accounts, admin: Administrator
) -> ClientOut:
    """Change a client; new roles or `active: false` revoke its tokens."""
    return _client_out(await accounts.update_client(client_id, data, admin, utcnow()))


internal_router = APIRouter(include_in_schema=False)


@internal_router.get(REVOCATIONS_PATH)
async def list_revocations(request: Request, accounts: Accounts) -> RevocationList:
    """For the services (`shared/auth/revocations.py`): the accounts whose tokens were
    revoked within the horizon. Signed with the internal secret, as event deliveries are."""
    now = utcnow()
    secret = gateway_state(request).settings.internal_secret
    if not signature_valid(secret, request.headers.get(SIGNATURE_HEADER, ""), int(now.timestamp())):
        raise BadRequestSignature()
    changed = await accounts.revoked_since(now - HORIZON)
    return RevocationList(
        accounts=[
            RevokedAccount(
                kind=kind,
                id=account_id,
                active=state.active,
                tokens_not_before=state.tokens_not_before,
            )
            for kind, account_id, state in changed
        ]
    )


routers = (me_router, organisations_router, users_router, clients_router, internal_router)
