"""All models, imported here so Alembic and the app see the whole schema."""

from ypb.models.account import Municipality, User
from ypb.models.audit import AuditEntry
from ypb.models.base import Base

__all__ = ["AuditEntry", "Base", "Municipality", "User"]
