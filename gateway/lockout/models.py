"""Failed sign-in counts, one row per username or client address.

`failures` counts attempts in the window that began at `window_start` (a successful
sign-in gives its attempt back); past the limit, `locked_until` refuses every attempt
without looking at the password.
"""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from shared.db import UTCDateTime


class SignInFailures(Base):
    __tablename__ = "sign_in_failures"

    # "username" (lower-cased, as usernames are unique ignoring case) or "address".
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
