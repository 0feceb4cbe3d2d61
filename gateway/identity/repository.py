"""Every query on organisations, users and API clients.

Accounts are managed by administrators only (who see them all), so every repository here
keeps the default `visible`: every row, behind the route's permission. `state` is the one
lookup the gateway makes on every request.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from gateway.identity.models import ApiClient, Organisation, User
from shared.auth.principal import Principal
from shared.pagination import PageParams
from shared.repository import Repository

_Row = TypeVar("_Row")
_Account = TypeVar("_Account", User, ApiClient)


@dataclass(frozen=True)
class AccountState:
    active: bool
    tokens_not_before: datetime


class _IdentityRepository(Repository[_Row]):
    async def matching(
        self, principal: Principal, params: PageParams, **equal_to: object
    ) -> tuple[Sequence[_Row], str | None]:
        """A page of the rows `principal` may see in creation order, with each column in
        `equal_to` that is given (not None) equal to its value."""
        statement = self.visible(principal).filter_by(
            **{column: value for column, value in equal_to.items() if value is not None}
        )
        return await self.page(statement, params, key=self.model.created_at)


class OrganisationRepository(_IdentityRepository[Organisation]):
    model = Organisation
    resource = "organisation"

    async def named(self, name: str, kind: str, county: str) -> Organisation | None:
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


class _AccountRepository(_IdentityRepository[_Account]):
    """Users and API clients alike: an account whose tokens can be revoked."""

    kind: ClassVar[str]

    def _with_organisation(self) -> Select[_Account]:
        statement: Select[_Account] = select(self.model).options(
            joinedload(self.model.organisation)
        )
        return statement

    async def with_organisation(self, account_id: uuid.UUID) -> _Account | None:
        """The account and its organisation (what a token says), for the token endpoint."""
        account: _Account | None = await self.session.scalar(
            self._with_organisation().where(self._key == account_id)
        )
        return account

    async def state(self, account_id: uuid.UUID) -> AccountState | None:
        """Whether the account is active and since when its tokens are valid: one
        primary-key lookup."""
        row = (
            await self.session.execute(
                select(self.model.active, self.model.tokens_not_before).where(
                    self._key == account_id
                )
            )
        ).one_or_none()
        return None if row is None else AccountState(row.active, row.tokens_not_before)

    async def revoked_since(self, horizon: datetime) -> list[tuple[uuid.UUID, AccountState]]:
        """Every account whose tokens were revoked after `horizon`, with its state. A new
        account's tokens are valid from its creation (no later), so it is listed only
        once changed."""
        rows = await self.session.execute(
            select(self.model.id, self.model.active, self.model.tokens_not_before).where(
                self.model.tokens_not_before > horizon,
                self.model.tokens_not_before > self.model.created_at,
            )
        )
        return [(row.id, AccountState(row.active, row.tokens_not_before)) for row in rows]


class UserRepository(_AccountRepository[User]):
    model = User
    resource = "user"
    kind = "user"

    async def named(self, username: str) -> User | None:
        """The user of `username`, whatever its case, with its organisation."""
        return await self.session.scalar(
            self._with_organisation().where(func.lower(User.username) == username.lower())
        )


class ApiClientRepository(_AccountRepository[ApiClient]):
    model = ApiClient
    resource = "API client"
    kind = "client"
