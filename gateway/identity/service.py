"""Use cases of account management: organisations, users, API clients, the bootstrap admin.

Changing what a token asserts or allows (roles, password, active) moves the account's
`tokens_not_before` past now, revokes its refresh tokens and makes this replica forget
the account's remembered state, so every token issued before the change stops working at
once (on other replicas within the second their memory lasts).
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import credentials
from gateway.identity.account_states import AccountStates
from gateway.identity.exceptions import (
    ApiClientNotFound,
    OrganisationNotFound,
    OrganisationNotRegistered,
    SelfLockout,
    UnknownOrganisation,
    UsernameTaken,
    UserNotFound,
)
from gateway.identity.models import ApiClient, Organisation, User
from gateway.identity.repository import (
    AccountState,
    ApiClientRepository,
    OrganisationRepository,
    UserRepository,
)
from gateway.identity.schemas import (
    ClientCreate,
    ClientUpdate,
    OrganisationCreate,
    UserCreate,
    UserUpdate,
)
from gateway.tokens.repository import RefreshTokenRepository
from shared.auth.policy import NATIONAL, OrganisationKind, Role
from shared.auth.principal import Principal
from shared.pagination import PageParams

BOOTSTRAP_USERNAME = "admin"
BOOTSTRAP_ORGANISATION = "NIRM administration"


def tokens_valid_from_creation(now: datetime) -> datetime:
    """Tokens carry `iat` in whole seconds; a new account has no earlier ones to refuse."""
    return now.replace(microsecond=0)


def tokens_valid_after_change(now: datetime) -> datetime:
    """The first whole second after `now`: every token issued before the change has an
    earlier `iat` (the token endpoint waits for that second to issue new ones)."""
    return now.replace(microsecond=0) + timedelta(seconds=1)


class AccountService:
    def __init__(self, session: AsyncSession, states: AccountStates | None = None) -> None:
        self.organisations = OrganisationRepository(session)
        self.users = UserRepository(session)
        self.clients = ApiClientRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        # None where no token is checked (the bootstrap at startup).
        self.states = states

    def _revoke_tokens(self, kind: str, account: User | ApiClient, now: datetime) -> None:
        account.tokens_not_before = tokens_valid_after_change(now)
        if self.states is not None:
            self.states.forget(kind, account.id)

    # Organisations

    async def create_organisation(self, data: OrganisationCreate, now: datetime) -> Organisation:
        organisation = Organisation(
            name=data.name, kind=data.kind.value, county=data.county, created_at=now
        )
        self.organisations.add(organisation)
        await self.organisations.flush()
        return organisation

    async def organisation(self, principal: Principal, organisation_id: uuid.UUID) -> Organisation:
        organisation = await self.organisations.get(principal, organisation_id)
        if organisation is None:
            raise OrganisationNotFound()
        return organisation

    async def list_organisations(
        self,
        principal: Principal,
        page: PageParams,
        *,
        kind: OrganisationKind | None,
        county: str | None,
    ) -> tuple[Sequence[Organisation], str | None]:
        return await self.organisations.matching(
            principal, page, kind=kind.value if kind else None, county=county
        )

    async def _existing_organisation(
        self, principal: Principal, organisation_id: uuid.UUID
    ) -> Organisation:
        organisation = await self.organisations.get(principal, organisation_id)
        if organisation is None:
            raise UnknownOrganisation()
        return organisation

    # Users

    async def create_user(self, data: UserCreate, actor: Principal, now: datetime) -> User:
        organisation = await self._existing_organisation(actor, data.organisation_id)
        if await self.users.named(data.username) is not None:
            raise UsernameTaken(data.username)
        user = User(
            username=data.username,
            full_name=data.full_name,
            password_hash=await credentials.hash_password(data.password),
            organisation_id=organisation.id,
            roles=[role.value for role in data.roles],
            active=True,
            tokens_not_before=tokens_valid_from_creation(now),
            created_at=now,
            updated_at=now,
        )
        self.users.add(user)
        try:
            await self.users.flush()
        except IntegrityError as exc:  # created concurrently under the same name
            raise UsernameTaken(data.username) from exc
        return user

    async def user(self, principal: Principal, user_id: uuid.UUID) -> User:
        user = await self.users.get(principal, user_id)
        if user is None:
            raise UserNotFound()
        return user

    async def list_users(
        self,
        principal: Principal,
        page: PageParams,
        *,
        organisation_id: uuid.UUID | None,
        active: bool | None,
    ) -> tuple[Sequence[User], str | None]:
        return await self.users.matching(
            principal, page, organisation_id=organisation_id, active=active
        )

    async def update_user(
        self, user_id: uuid.UUID, data: UserUpdate, actor: Principal, now: datetime
    ) -> User:
        user = await self.user(actor, user_id)
        if user.id == actor.subject_id and (
            data.active is False or (data.roles is not None and Role.ADMIN not in data.roles)
        ):
            raise SelfLockout()
        revoke = False
        if data.full_name is not None:
            user.full_name = data.full_name
        if data.roles is not None:
            roles = [role.value for role in data.roles]
            revoke = revoke or roles != user.roles
            user.roles = roles
        if data.active is not None:
            revoke = revoke or data.active != user.active
            user.active = data.active
        if data.password is not None:
            user.password_hash = await credentials.hash_password(data.password)
            revoke = True
        if revoke:
            self._revoke_tokens("user", user, now)
            await self.refresh_tokens.revoke_all_of(user.id, now)
        user.updated_at = now
        await self.users.flush()
        return user

    # API clients

    async def create_client(
        self, data: ClientCreate, actor: Principal, now: datetime
    ) -> tuple[ApiClient, str]:
        """The new client and its secret, which is not kept and cannot be shown again."""
        organisation = await self._existing_organisation(actor, data.organisation_id)
        secret = credentials.new_secret()
        client = ApiClient(
            name=data.name,
            secret_hash=credentials.digest(secret),
            organisation_id=organisation.id,
            roles=[role.value for role in data.roles],
            active=True,
            tokens_not_before=tokens_valid_from_creation(now),
            created_at=now,
            updated_at=now,
        )
        self.clients.add(client)
        await self.clients.flush()
        return client, secret

    async def list_clients(
        self, principal: Principal, page: PageParams, *, organisation_id: uuid.UUID | None
    ) -> tuple[Sequence[ApiClient], str | None]:
        return await self.clients.matching(principal, page, organisation_id=organisation_id)

    async def client(self, principal: Principal, client_id: uuid.UUID) -> ApiClient:
        client = await self.clients.get(principal, client_id)
        if client is None:
            raise ApiClientNotFound()
        return client

    async def update_client(
        self, client_id: uuid.UUID, data: ClientUpdate, actor: Principal, now: datetime
    ) -> ApiClient:
        client = await self.client(actor, client_id)
        if data.name is not None:
            client.name = data.name
        roles = [role.value for role in data.roles] if data.roles is not None else client.roles
        active = data.active if data.active is not None else client.active
        if roles != client.roles or active != client.active:
            client.roles, client.active = roles, active
            self._revoke_tokens("client", client, now)
        client.updated_at = now
        await self.clients.flush()
        return client

    # Who is calling

    async def organisation_of(self, principal: Principal) -> Organisation:
        """The caller's organisation. With the gateway's own tokens it always exists; an
        external issuer's token may name one that was never registered here."""
        organisation = await self.organisations.get(principal, principal.organisation_id)
        if organisation is None:
            raise OrganisationNotRegistered()
        return organisation

    async def state(self, kind: str, account_id: uuid.UUID) -> AccountState | None:
        """The state of the token's account (None: no such account), by the token's
        `kind`: the gateway's check on every request."""
        for accounts in (self.users, self.clients):
            if accounts.kind == kind:
                return await accounts.state(account_id)
        return None

    async def revoked_since(self, horizon: datetime) -> list[tuple[str, uuid.UUID, AccountState]]:
        """Every user and client whose tokens were revoked after `horizon`, with its kind,
        id and state (the list services learn revocations from)."""
        return [
            (accounts.kind, account_id, state)
            for accounts in (self.users, self.clients)
            for account_id, state in await accounts.revoked_since(horizon)
        ]

    async def ensure_bootstrap_admin(self, password: str, now: datetime) -> bool:
        """Create the `admin` user (and its organisation) unless it exists; true if made."""
        if await self.users.named(BOOTSTRAP_USERNAME) is not None:
            return False
        kind = OrganisationKind.MINISTRY_IT.value
        organisation = await self.organisations.named(BOOTSTRAP_ORGANISATION, kind, NATIONAL)
        if organisation is None:
            organisation = Organisation(
                name=BOOTSTRAP_ORGANISATION, kind=kind, county=NATIONAL, created_at=now
            )
            self.organisations.add(organisation)
            await self.organisations.flush()
        self.users.add(
            User(
                username=BOOTSTRAP_USERNAME,
                full_name="Bootstrap administrator",
                password_hash=await credentials.hash_password(password),
                organisation_id=organisation.id,
                roles=[Role.ADMIN.value],
                active=True,
                tokens_not_before=tokens_valid_from_creation(now),
                created_at=now,
                updated_at=now,
            )
        )
        await self.users.flush()
        return True
