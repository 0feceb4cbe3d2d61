"""Who is calling: the verified facts of a bearer token."""

import uuid
from dataclasses import dataclass

from shared.auth.policy import NATIONAL, Permission, Role, has_permission


@dataclass(frozen=True, slots=True)
class Principal:
    subject_id: uuid.UUID
    username: str
    organisation_id: uuid.UUID
    organisation_kind: str
    county: str
    roles: frozenset[str]
    kind: str  # "user" or "client"
    token: str
    # The token's `iat` (seconds since the epoch): the gateway refuses tokens issued before
    # the account last changed (disabled, new password, other roles).
    issued_at: int = 0

    def can(self, permission: Permission) -> bool:
        return has_permission(self.roles, permission)

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    @property
    def sees_all_cases(self) -> bool:
        """A coordinator of the national agency sees every case."""
        return self.has_role(Role.COORDINATOR) and self.county == NATIONAL

    @property
    def coordinated_county(self) -> str | None:
        """The county a regional coordinator oversees, if the caller is one."""
        if self.has_role(Role.COORDINATOR) and self.county != NATIONAL:
            return self.county
        return None
