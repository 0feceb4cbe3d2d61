"""Every query on organisations, users and API clients.

Accounts are managed by administrators only (who see them all), so there is no scoping
statement here; `account_state` is the one lookup the gateway makes on every request.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from gateway.identity.models import ApiClient, Organisation, User
from shared.pagination import PageParams, paginate

_Account = TypeVar("_Account", Organisation, User, ApiClient)


@dataclass(frozen=True)
class AccountState:
    active: bool
    tokens_not_before: datetime


class IdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account_state(self, kind: str, account_id: uuid.UUID) -> AccountState | None:
        """Whether the token's account is active and since when its tokens are valid: one
        primary-key lookup, in the users or the clients table by the token's `kind`."""
        table: type[User] | type[ApiClient]
        if kind == "user":
            table = User
        elif kind == "client":
            table = ApiClient
        else:
            return None
        row = (
            await self.session.execute(
                select(table.active, table.tokens_not_before).where(table.id == account_id)
            )
        ).one_or_none()
        return None if row is None else AccountState(row.active, row.tokens_not_before)

    async def changed_since(self, horizon: datetime) -> list[tuple[str, uuid.UUID, AccountState]]:
        """Every user and client whose tokens were revoked after `horizon`, with its kind,
        id and state (the list services learn revocations from). A new account's tokens
        are valid from its creation (no later), so it is listed only once changed."""
        changed: list[tuple[str, uuid.UUID, AccountState]] = []
        for kind, table in (("user", User), ("client", ApiClient)):
            rows = await self.session.execute(
                select(table.id, table.active, table.tokens_not_before).where(
                    table.tokens_not_before > horizon,
                    table.tokens_not_before > table.created_at,
                )
            )
            changed += [
                (kind, row.id, AccountState(row.active, row.tokens_not_before)) for row in rows
            ]
        return changed

    # Organisations

    async def add(self, entity: Organisation | User | ApiClient) -> None:
        self.session.add(entity)
        await self.session.flush()

    async def organisation(self, organisation_id: uuid.UUID) -> Organisation | None:
        return await self.session.get(Organisation, organisation_id)

    async def organisation_named(self, name: str, kind: str, county: str) -> Organisation | None:
        return await self.session.scalar(
            select(Organisation)
            .where(
                Organisation.name == name,
                Organisation.kind == kind,
                Organisation.county == county,
            )
            .order_by(Organisation.created_at)
            .limit(1)
        )

    async def organisations(
        self, page: PageParams, *, kind: str | None, county: str | None
    ) -> tuple[Sequence[Organisation], str | None]:
        return await self._page(Organisation, page, kind=kind, county=county)

    # Users

    def _users(self) -> Select[User]:
        return select(User).options(joinedload(User.organisation))

    async def user(self, user_id: uuid.UUID) -> User | None:
        return await self.session.scalar(self._users().where(User.id == user_id))

    async def user_named(self, username: str) -> User | None:
        return await self.session.scalar(
            self._users().where(func.lower(User.username) == username.lower())
        )

    async def users(
        self, page: PageParams, *, organisation_id: uuid.UUID | None, active: bool | None
    ) -> tuple[Sequence[User], str | None]:
        return await self._page(User, page, organisation_id=organisation_id, active=active)

    # API clients

    async def client(self, client_id: uuid.UUID) -> ApiClient | None:
        return await self.session.scalar(
            select(ApiClient)
            .options(joinedload(ApiClient.organisation))
            .where(ApiClient.id == client_id)
        )

    async def clients(
        self, page: PageParams, *, organisation_id: uuid.UUID | None
    ) -> tuple[Sequence[ApiClient], str | None]:
        return await self._page(ApiClient, page, organisation_id=organisation_id)

    async def _page(
        self, table: type[_Account], page: PageParams, **equal_to: object
    ) -> tuple[Sequence[_Account], str | None]:
        """A page of `table` in creation order, with each column in `equal_to` that is
        given (not None) equal to its value."""
        statement = select(table).filter_by(
            **{column: value for column, value in equal_to.items() if value is not None}
        )
        return await paginate(
            self.session,
            statement,
            page,
            key=table.created_at,
            row_id=table.id,
            key_of=lambda row: (row.created_at, row.id),
        )
