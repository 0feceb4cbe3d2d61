"""Requests and answers of the identity endpoints: organisations, users, clients, `/me`."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.auth.policy import OrganisationKind, Role
from shared.fields import CountyOrNational
from shared.pagination import Page


def _distinct_roles(roles: list[Role]) -> list[Role]:
    if len(set(roles)) != len(roles):
        raise ValueError("each role may be given once")
    return roles


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Username = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$", max_length=64)
]
Password = Annotated[str, Field(min_length=12, max_length=256)]
Roles = Annotated[
    list[Role], Field(min_length=1, max_length=len(Role)), AfterValidator(_distinct_roles)
]


class _Request(BaseModel):
    # An unknown field is a mistake worth naming, not something to ignore silently.
    model_config = ConfigDict(extra="forbid")


class OrganisationCreate(_Request):
    name: Name = Field(examples=["IPJ Cluj - Serviciul de combatere a criminalității organizate"])
    kind: OrganisationKind
    county: CountyOrNational


class OrganisationOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: OrganisationKind
    county: str
    created_at: datetime


class OrganisationPage(Page[OrganisationOut]):
    pass


class UserCreate(_Request):
    username: Username = Field(examples=["ana.popescu"])
    password: Password
    full_name: Name = Field(examples=["Ana Popescu"])
    organisation_id: uuid.UUID
    roles: Roles = Field(examples=[["police"]])


class UserUpdate(_Request):
    """Only the fields sent change; a new password, new roles or disabling revoke the
    user's tokens."""

    full_name: Name | None = None
    roles: Roles | None = None
    active: bool | None = None
    password: Password | None = None


class UserOut(BaseModel):
    id: uuid.UUID
    username: str
    full_name: str
    organisation_id: uuid.UUID
    roles: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class UserPage(Page[UserOut]):
    pass


class ClientCreate(_Request):
    name: Name = Field(examples=["IGPR case management system"])
    organisation_id: uuid.UUID
    roles: Roles = Field(examples=[["police"]])


class ClientUpdate(_Request):
    """Only the fields sent change; new roles or disabling revoke the client's tokens."""

    name: Name | None = None
    roles: Roles | None = None
    active: bool | None = None


class ClientOut(BaseModel):
    client_id: uuid.UUID
    name: str
    organisation_id: uuid.UUID
    roles: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class ClientPage(Page[ClientOut]):
    pass


class ClientCreated(ClientOut):
    client_secret: str = Field(description="Shown this once; only its hash is kept")


class MeOrganisation(BaseModel):
    id: uuid.UUID
    name: str
    kind: OrganisationKind
    county: str


class Me(BaseModel):
    user_id: uuid.UUID = Field(description="The user's id, or the API client's `client_id`")
    username: str = Field(description="The username, or the API client's name")
    kind: str = Field(examples=["user", "client"])
    organisation: MeOrganisation
    roles: list[str]
