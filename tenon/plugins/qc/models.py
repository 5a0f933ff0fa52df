"""qc models: inspection plans (versioned, with check items), inspections and their results,
release holds on stock, nonconformances.

Ids of mrp records (``work_order_id``, ``operation_id``, ``work_center_id``) are plain integer
columns, not foreign keys: mrp is optional for qc (a site with stock and qc only still inspects
receipts), so qc's tables cannot reference mrp's. Products, categories, lots and locations are
stock's and are foreign keys.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import Base, Quantity, Record, UTCDateTime

#: Where an inspection happens: goods received, after an operation, a finished work order.
STAGES = ("receipt", "in_process", "final")
#: How many pieces of a quantity are inspected (see :func:`tenon.plugins.qc.services.sampling.sample_size`).
SAMPLING_METHODS = ("all", "first_n", "every_nth", "percent")
#: What a check item records.
ITEM_KINDS = ("measurement", "pass_fail", "text")
INSPECTION_STATES = ("open", "passed", "failed")
NC_STATES = ("open", "dispositioned", "closed")
DISPOSITIONS = ("scrap", "rework", "use_as_is")
HOLD_STATES = ("held", "released", "scrapped", "handed_over")
Measure = Numeric(18, 6)


class InspectionPlan(Record, Base):
    """What to inspect of a product (or of every product of a category) at a stage. The plan is
    the identity; its content (sampling, check items) lives in numbered versions, the newest
    being ``current_version``."""

    __tablename__ = "qc_plan"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(12), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("stock_product.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stock_category.id"), index=True)
    #: for ``in_process``: the mrp library operation (``mrp_operation.id``) it follows; null: any
    operation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: for ``in_process``: the next operation waits until the inspection passes
    blocks_next: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: notified when one of its inspections is waiting (else every user with role ``inspector``)
    inspector_username: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (
        CheckConstraint("stage IN ('receipt','in_process','final')", name="stage"),
        CheckConstraint("product_id IS NOT NULL OR category_id IS NOT NULL", name="target"),
    )


class PlanVersion(Record, Base):
    """One version of a plan: its sampling and (as :class:`CheckItem` rows) its check items.
    Never changed once an inspection uses it: a change makes the next version."""

    __tablename__ = "qc_plan_version"
    plan_id: Mapped[int] = mapped_column(ForeignKey("qc_plan.id", ondelete="CASCADE"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    sampling_method: Mapped[str] = mapped_column(String(12), default="all")
    sampling_value: Mapped[Decimal | None] = mapped_column(Quantity)
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    __table_args__ = (UniqueConstraint("plan_id", "version_no"),
                      CheckConstraint("sampling_method IN ('all','first_n','every_nth','percent')", name="sampling"))


class CheckItem(Record, Base):
    """A check of a plan version: a measurement (nominal, tolerances, unit, decimals), a
    pass/fail verdict, or a text. ``code`` identifies the check across versions."""

    __tablename__ = "qc_check_item"
    version_id: Mapped[int] = mapped_column(ForeignKey("qc_plan_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    nominal: Mapped[Decimal | None] = mapped_column(Measure)
    lower_tolerance: Mapped[Decimal | None] = mapped_column(Measure)
    upper_tolerance: Mapped[Decimal | None] = mapped_column(Measure)
    unit: Mapped[str] = mapped_column(String(20), default="", server_default="")
    decimals: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    __table_args__ = (UniqueConstraint("version_id", "code"),
                      CheckConstraint("kind IN ('measurement','pass_fail','text')", name="kind"))


class Inspection(Record, Base):
    """One inspection of a quantity (and lot) of a product at a stage, made with one plan
    version: ``open`` (results partly recorded) → ``passed`` or ``failed``."""

    __tablename__ = "qc_inspection"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    stage: Mapped[str] = mapped_column(String(12), index=True)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("qc_plan.id"), index=True)
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("qc_plan_version.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    sample_size: Mapped[int] = mapped_column(Integer, default=1)
    #: mrp ids (plain integers: mrp is optional)
    work_order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    operation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    library_operation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    work_center_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: in-process: the work order operation qc holds for this inspection (released on uninstall too)
    held_operation_id: Mapped[int | None] = mapped_column(Integer)
    #: a re-inspection (e.g. the final inspection of a rework work order): not a first pass
    reinspection: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: receipt stage: where the lot was received (it goes back there when it passes)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"))
    quarantined: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    inspector: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    __table_args__ = (CheckConstraint("stage IN ('receipt','in_process','final')", name="stage"),
                      CheckConstraint("state IN ('open','passed','failed')", name="state"))


class InspectionResult(Record, Base):
    """The value of one check item for one sample (``sample_no`` 1 … sample size) and its verdict."""

    __tablename__ = "qc_inspection_result"
    inspection_id: Mapped[int] = mapped_column(ForeignKey("qc_inspection.id", ondelete="CASCADE"), index=True)
    check_item_id: Mapped[int] = mapped_column(ForeignKey("qc_check_item.id"), index=True)
    sample_no: Mapped[int] = mapped_column(Integer, default=1)
    measured: Mapped[Decimal | None] = mapped_column(Measure)
    text: Mapped[str | None] = mapped_column(String(500))
    passed: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("inspection_id", "check_item_id", "sample_no"),)


class Hold(Record, Base):
    """A quantity (and lot) of a product qc keeps from shipping: received goods in quarantine,
    finished goods waiting for their final release. ``held`` → ``released``, ``scrapped`` or
    ``handed_over`` (another plugin took the goods, e.g. into a rework order:
    :func:`tenon.plugins.qc.hand_over_holds`; ``handed_to_type``/``handed_to_id`` name it)."""

    __tablename__ = "qc_hold"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    state: Mapped[str] = mapped_column(String(12), default="held", index=True)
    kind: Mapped[str] = mapped_column(String(12))  # quarantine (receipt) or release (finished goods)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("qc_inspection.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"))
    #: ``handed_over``: the record that took the goods (e.g. ``rework.order`` and its id) and when
    handed_to_type: Mapped[str | None] = mapped_column(String(60))
    handed_to_id: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Nonconformance(Record, Base):
    """A nonconformance (不合格品) opened by a failed inspection: ``open`` → ``dispositioned``
    (scrap, rework or use as is) → ``closed``."""

    __tablename__ = "qc_nonconformance"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(14), default="open", index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("qc_inspection.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    disposition: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    disposed_by: Mapped[str | None] = mapped_column(String(100))
    disposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (CheckConstraint("state IN ('open','dispositioned','closed')", name="state"),)


MODELS = (InspectionPlan, PlanVersion, CheckItem, Inspection, InspectionResult, Hold, Nonconformance)
