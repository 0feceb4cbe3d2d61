"""Every query on refresh tokens."""

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, select, update

from gateway.tokens.models import RefreshToken
from shared.repository import Repository


class RefreshTokenRepository(Repository[RefreshToken]):
    model = RefreshToken
    resource = "refresh token"

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        return await self.session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        )

    async def rotate(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Mark a token used; false when it already was (or was revoked) meanwhile.

        A conditional update rather than a read-then-write, so two concurrent uses of one
        token cannot both succeed, on either backend.
        """
        result = await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == token_id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(rotated_at=now)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_of(self, user_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
