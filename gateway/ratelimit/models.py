"""Request counts per principal and minute (a fixed window)."""

import uuid
from datetime import datetime

from sqlalchemy import Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from shared.db import UTCDateTime


class RateWindow(Base):
    __tablename__ = "rate_windows"

    principal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    requests: Mapped[int] = mapped_column(Integer)
