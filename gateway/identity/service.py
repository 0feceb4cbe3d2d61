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
from gateway.identity.models import ApiClient, Organisation, User
from gateway.identity.repository import IdentityRepository
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
from shared.errors import Conflict, NotFound, ValidationProblem
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
        self.repository = IdentityRepository(session)
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
        await self.repository.add(organisation)
        return organisation

    async def organisation(self, organisation_id: uuid.UUID) -> Organisation:
        organisation = await self.repository.organisation(organisation_id)
        if organisation is None:
            raise NotFound("No such organisation.")
        return organisation

    async def organisations(
        self, page: PageParams, *, kind: OrganisationKind | None, county: str | None
    ) -> tuple[Sequence[Organisation], str | None]:
        return await self.repository.organisations(
            page, kind=kind.value if kind else None, county=county
        )

    async def _existing_organisation(self, organisation_id: uuid.UUID) -> Organisation:
        organisation = await self.repository.organisation(organisation_id)
        if organisation is None:
            raise ValidationProblem("organisation_id", "No organisation has this id.")
        return organisation

    # Users

    async def create_user(self, data: UserCreate, now: datetime) -> User:
        organisation = await self._existing_organisation(data.organisation_id)
        if await self.repository.user_named(data.username) is not None:
            raise _username_taken(data.username)
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
        try:
            await self.repository.add(user)
        except IntegrityError as exc:  # created concurrently under the same name
            raise _username_taken(data.username) from exc
        return user

    async def user(self, user_id: uuid.UUID) -> User:
        user = await self.repository.user(user_id)
        if user is None:
            raise NotFound("No such user.")
        return user

    async def users(
        self, page: PageParams, *, organisation_id: uuid.UUID | None, active: bool | None
    ) -> tuple[Sequence[User], str | None]:
        return await self.repository.users(page, organisation_id=organisation_id, active=active)

    async def update_user(
        self, user_id: uuid.UUID, data: UserUpdate, actor: Principal, now: datetime
    ) -> User:
        user = await self.user(user_id)
        if user.id == actor.subject_id and (
            data.active is False or (data.roles is not None and Role.ADMIN not in data.roles)
        ):
            raise Conflict("Administrators cannot disable themselves or drop their own admin role.")
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
        await self.repository.session.flush()
        return user

    # API clients

    async def create_client(self, data: ClientCreate, now: datetime) -> tuple[ApiClient, str]:
        """The new client and its secret, which is not kept and cannot be shown again."""
        organisation = await self._existing_organisation(data.organisation_id)
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
        await self.repository.add(client)
        return client, secret

    async def clients(
        self, page: PageParams, *, organisation_id: uuid.UUID | None
    ) -> tuple[Sequence[ApiClient], str | None]:
        return await self.repository.clients(page, organisation_id=organisation_id)

    async def client(self, client_id: uuid.UUID) -> ApiClient:
        client = await self.repository.client(client_id)
        if client is None:
            raise NotFound("No such API client.")
        return client

    async def update_client(
        self, client_id: uuid.UUID, data: ClientUpdate, now: datetime
    ) -> ApiClient:
        client = await self.client(client_id)
        if data.name is not None:
            client.name = data.name
        roles = [role.value for role in data.roles] if data.roles is not None else client.roles
        active = data.active if data.active is not None else client.active
        if roles != client.roles or active != client.active:
            client.roles, client.active = roles, active
            self._revoke_tokens("client", client, now)
        client.updated_at = now
        await self.repository.session.flush()
        return client

    # Who is calling

    async def organisation_of(self, principal: Principal) -> Organisation:
        """The caller's organisation. With the gateway's own tokens it always exists; an
        external issuer's token may name one that was never registered here."""
        organisation = await self.repository.organisation(principal.organisation_id)
        if organisation is None:
            raise NotFound("The token's organisation is not registered with the gateway.")
        return organisation

    async def ensure_bootstrap_admin(self, password: str, now: datetime) -> bool:
        """Create the `admin` user (and its organisation) unless it exists; true if made."""
        if await self.repository.user_named(BOOTSTRAP_USERNAME) is not None:
            return False
        kind = OrganisationKind.MINISTRY_IT.value
        organisation = await self.repository.organisation_named(
            BOOTSTRAP_ORGANISATION, kind, NATIONAL
        )
        if organisation is None:
            organisation = Organisation(
                name=BOOTSTRAP_ORGANISATION, kind=kind, county=NATIONAL, created_at=now
            )
            await self.repository.add(organisation)
        await self.repository.add(
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
        return True


def _username_taken(username: str) -> Conflict:
    return Conflict(f"The username '{username}' is taken (usernames ignore case).")
