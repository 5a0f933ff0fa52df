"""The kernel's own tables (``core_*``): plugins, users, tokens, policies, sequences,
outbox, audit log, notifications, attachments and idempotency keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import Base, IdMixin, utcnow


class InstalledPlugin(Base):
    """The site's source of truth for which plugins are installed, and at which version."""

    __tablename__ = "core_plugin"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    installed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Setting(Base):
    __tablename__ = "core_setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class CasbinRule(Base):
    """Casbin policy lines, read by ``sqlalchemy_adapter.Adapter(db_class=CasbinRule)``."""

    __tablename__ = "core_casbin_rule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ptype: Mapped[str] = mapped_column(String(255))
    v0: Mapped[str | None] = mapped_column(String(255))
    v1: Mapped[str | None] = mapped_column(String(255))
    v2: Mapped[str | None] = mapped_column(String(255))
    v3: Mapped[str | None] = mapped_column(String(255))
    v4: Mapped[str | None] = mapped_column(String(255))
    v5: Mapped[str | None] = mapped_column(String(255))

    def values(self) -> tuple[str, ...]:
        return tuple(
            v for v in (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5) if v is not None
        )

    def __str__(self) -> str:
        return ", ".join([self.ptype, *self.values()])


class User(IdMixin, Base):
    __tablename__ = "core_user"
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Token(IdMixin, Base):
    """Bearer tokens: ``session`` from login, ``api`` for devices and scripts. Stored hashed."""

    __tablename__ = "core_token"
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    #: when the token last authenticated a request, at most hourly (the health check's "unused" finding)
    last_used_at: Mapped[dt.datetime | None]


class LoginFailure(IdMixin, Base):
    __tablename__ = "core_login_failure"
    __table_args__ = (Index("ix_core_login_failure_username_at", "username", "at"),)
    username: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SequenceDef(Base):
    __tablename__ = "core_sequence"
    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(32), default="")
    date_format: Mapped[str] = mapped_column(String(32), default="")
    padding: Mapped[int] = mapped_column(Integer, default=5)


class SequenceCounter(Base):
    __tablename__ = "core_sequence_counter"
    code: Mapped[str] = mapped_column(
        ForeignKey("core_sequence.code", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class OutboxMessage(IdMixin, Base):
    """One row per (event, after-commit subscriber), written in the publishing transaction."""

    __tablename__ = "core_outbox"
    __table_args__ = (Index("ix_core_outbox_pending", "delivered_at", "next_attempt_at"),)
    event: Mapped[str] = mapped_column(String(100))
    subscriber: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(IdMixin, Base):
    """Append-only, hash-chained audit trail (a PostgreSQL trigger rejects UPDATE/DELETE)."""

    __tablename__ = "core_audit_entry"
    __table_args__ = (Index("ix_core_audit_entry_entity", "entity_type", "entity_id"),)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(100), index=True)
    operation: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Notification(IdMixin, Base):
    __tablename__ = "core_notification"
    __table_args__ = (Index("ix_core_notification_user_read", "user_id", "read_at"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    entity_type: Mapped[str | None] = mapped_column(String(100))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class Attachment(IdMixin, Base):
    __tablename__ = "core_attachment"
    __table_args__ = (Index("ix_core_attachment_entity", "entity_type", "entity_id"),)
    entity_type: Mapped[str | None] = mapped_column(String(100))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))


class IdempotencyKey(Base):
    __tablename__ = "core_idempotency"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ConfigChange(IdMixin, Base):
    """A change of the site's configuration, edited as a draft, through approval to publication
    (:mod:`tenon.core.config`). ``changes`` overlays the live configuration:
    ``{kind: {key: item, or None to remove it}}``. At most one change is open at a time."""

    __tablename__ = "core_config_change"
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None]
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    published_version: Mapped[int | None] = mapped_column(Integer)


class ConfigVersion(IdMixin, Base):
    """An immutable, numbered snapshot of the site's configuration: ``{kind: {key: item}}``."""

    __tablename__ = "core_config_version"
    number: Mapped[int] = mapped_column(Integer, unique=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str | None] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16))
    based_on: Mapped[int | None] = mapped_column(Integer)
    change_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class HealthReport(IdMixin, Base):
    """A stored health check of the site's configuration (:mod:`tenon.core.healthcheck`)."""

    __tablename__ = "core_health_report"
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


KERNEL_MODELS = [
    InstalledPlugin,
    Setting,
    CasbinRule,
    User,
    Token,
    LoginFailure,
    SequenceDef,
    SequenceCounter,
    OutboxMessage,
    AuditEntry,
    Notification,
    Attachment,
    IdempotencyKey,
    ConfigChange,
    ConfigVersion,
    HealthReport,
]
