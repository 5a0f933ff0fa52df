"""studio's tables: custom field definitions and values, flow rules, their runs, tasks and SLA clocks.

Definitions and rules are plain rows with a ``version`` counter (``Record``): everything that
decides behaviour is in them, so a later configuration-versioning feature can snapshot and
restore them. Values live in one table keyed by (entity, record id) with a JSON document
(JSONB with a GIN index on PostgreSQL); see the README for why not a column per entity table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import AuditedMixin, Base, IdMixin, Record, UTCDateTime, utcnow

#: JSON on SQLite, JSONB (indexable with GIN) on PostgreSQL
Document = JSON().with_variant(JSONB(), "postgresql")


class FieldDefinition(Record, Base):
    """A custom field of a declared entity, optionally bound to a category (and its subcategories)."""

    __tablename__ = "studio_field"
    entity: Mapped[str] = mapped_column(String(60), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    label_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the owner's category id (no FK)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    default: Mapped[Any] = mapped_column(JSON, nullable=True)
    max_length: Mapped[int | None] = mapped_column(Integer)
    scale: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    min_value: Mapped[str | None] = mapped_column(String(40))
    max_value: Mapped[str | None] = mapped_column(String(40))
    pattern: Mapped[str] = mapped_column(String(200), default="", server_default="")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    ref_entity: Mapped[str | None] = mapped_column(String(60))
    help_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    owner: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(Text)
    review_date: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)

    __table_args__ = (UniqueConstraint("entity", "code"),)


class FieldValue(IdMixin, AuditedMixin, Base):
    """The custom values of one record: ``{code: value}`` (removed fields' values stay until purged)."""

    __tablename__ = "studio_value"
    entity: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(Document, default=dict)

    __table_args__ = (
        UniqueConstraint("entity", "record_id"),
        Index("ix_studio_value_data", "data", postgresql_using="gin", postgresql_ops={"data": "jsonb_path_ops"}),
    )


class Rule(Record, Base):
    """A flow rule: when ``event`` happens and ``condition`` holds, run ``actions``."""

    __tablename__ = "studio_rule"
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(120), index=True)
    entity: Mapped[str | None] = mapped_column(String(60))
    record_key: Mapped[str | None] = mapped_column(String(60))
    condition: Mapped[str] = mapped_column(Text, default="", server_default="")
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    broken: Mapped[str] = mapped_column(String(500), default="", server_default="")
    owner: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(Text)
    review_date: Mapped[dt.date] = mapped_column(Date)


class RuleRun(IdMixin, Base):
    """One run of a rule for one event (unique: a redelivered event runs nothing twice)."""

    __tablename__ = "studio_rule_run"
    rule_id: Mapped[int] = mapped_column(ForeignKey("studio_rule.id", ondelete="CASCADE"), index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(120))
    event_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(20), index=True)  # done, skipped, failed, broken
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("rule_id", "event_key"),)


class Task(Record, Base):
    """A follow-up task a rule created, with a due time."""

    __tablename__ = "studio_task"
    title: Mapped[str] = mapped_column(String(200))
    assigned_to: Mapped[str | None] = mapped_column(String(100), index=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    entity: Mapped[str | None] = mapped_column(String(60))
    record_id: Mapped[int | None] = mapped_column(Integer)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("studio_rule.id", ondelete="SET NULL"))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="open", server_default="open")


class SlaClock(IdMixin, Base):
    """A running first-response clock: escalates along ``chain`` each time ``due_at`` passes
    while ``stop`` (a condition over the record) does not hold."""

    __tablename__ = "studio_sla_clock"
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("studio_rule.id", ondelete="SET NULL"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    entity: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    chain: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[int] = mapped_column(Integer, default=0)
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    stop: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    state: Mapped[str] = mapped_column(String(12), default="running", index=True)  # running, met, exhausted
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    escalations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


MODELS = (FieldDefinition, FieldValue, Rule, RuleRun, Task, SlaClock)
