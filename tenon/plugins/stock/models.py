"""Stock tables: item master, locations, the double-entry ledger of moves, balances,
reservations, lots and their genealogy, and the warehouse documents.

The ledger rule: every quantity change is a :class:`Move` from one location to
another, so for any product the sum of :class:`Balance` quantities over all
locations (virtual ones included) is zero. Balances are maintained in the same
transaction as the move, by atomic ``UPDATE``/upsert statements (see
``ledger.py``), never read-check-write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import AuditedMixin, Base, IdMixin, Quantity, Record

# --------------------------------------------------------------------------- vocabularies

PRODUCT_KINDS = ("raw_material", "semi_finished", "finished", "consumable")
TRACKING = ("none", "lot", "serial")
LOCATION_KINDS = ("internal", "supplier", "customer", "production", "inventory_loss", "view")
VIRTUAL_KINDS = ("supplier", "customer", "production", "inventory_loss")
MOVE_STATES = ("draft", "reserved", "done", "cancelled")


# --------------------------------------------------------------------------- master data


class Category(Record, Base):
    """A product category; categories form a tree through ``parent_id``."""

    __tablename__ = "stock_category"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stock_category.id"), index=True)


class Uom(Record, Base):
    """A unit of measure (``pcs``, ``kg``); products refer to it by code."""

    __tablename__ = "stock_uom"
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    decimals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Product(Record, Base):
    """An item: raw material, semi-finished, finished good or consumable."""

    __tablename__ = "stock_product"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stock_category.id"), index=True)
    unit: Mapped[str] = mapped_column(ForeignKey("stock_uom.code"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True, default="finished")
    tracking: Mapped[str] = mapped_column(String(10), default="none")
    reorder_point: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    barcode: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)

    __table_args__ = (
        CheckConstraint("kind IN ('raw_material','semi_finished','finished','consumable')", name="kind"),
        CheckConstraint("tracking IN ('none','lot','serial')", name="tracking"),
    )


class Warehouse(Record, Base):
    """A warehouse: a tree of locations under one view location."""

    __tablename__ = "stock_warehouse"
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Location(Record, Base):
    """A place stock can be in. ``internal`` locations hold real stock and never go
    negative; ``supplier``, ``customer``, ``production`` and ``inventory_loss`` are
    virtual counterparts of the double entry; ``view`` locations only group others.
    ``is_default`` marks the default stock location of its warehouse."""

    __tablename__ = "stock_location"
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("stock_warehouse.id"), index=True)
    barcode: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    __table_args__ = (
        CheckConstraint(
            "kind IN ('internal','supplier','customer','production','inventory_loss','view')", name="kind"
        ),
    )


class Lot(Record, Base):
    """A lot (or, for serial-tracked products, one serial number) of a product."""

    __tablename__ = "stock_lot"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    barcode: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_on: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (UniqueConstraint("product_id", "code"),)


class LotConsumption(IdMixin, AuditedMixin, Base):
    """Genealogy: ``quantity`` of ``consumed_lot`` went into ``produced_lot``."""

    __tablename__ = "stock_lot_consumption"
    consumed_lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    produced_lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer)


# --------------------------------------------------------------------------- the ledger


class Move(IdMixin, AuditedMixin, Base):
    """One ledger entry: ``quantity`` of a product (and lot) from one location to another.

    Done moves are never edited or deleted; a correction is a new move.
    """

    __tablename__ = "stock_move"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    to_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    origin_line_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    done_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("from_location_id <> to_location_id", name="distinct_locations"),
        CheckConstraint("state IN ('draft','reserved','done','cancelled')", name="state"),
        Index("ix_stock_move_product_state", "product_id", "state"),
        Index("ix_stock_move_origin", "origin_type", "origin_id"),
    )


class Balance(IdMixin, Base):
    """On-hand quantity per (product, location, lot), maintained with each done move.

    ``lot_key`` is the lot id or 0, so the unique key works on both databases
    (NULLs never collide in a unique index). ``reserved`` is the sum of the active
    :class:`Reservation` rows on this balance, kept atomically alongside them
    (``tenon stock check`` verifies both). ``internal`` copies the location kind so
    the database itself refuses negative internal stock.
    """

    __tablename__ = "stock_balance"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"), index=True)
    lot_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")
    reserved: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")

    __table_args__ = (
        UniqueConstraint("product_id", "location_id", "lot_key"),
        CheckConstraint("reserved >= 0", name="reserved_nonnegative"),
        CheckConstraint("NOT internal OR (quantity >= 0 AND quantity >= reserved)", name="internal_covered"),
    )


class Reservation(IdMixin, AuditedMixin, Base):
    """``quantity`` of a balance held for a document (``origin_type``/``origin_id``).

    States: ``active`` (counted in the balance's ``reserved``), ``consumed`` (its
    move was done) or ``released``.
    """

    __tablename__ = "stock_reservation"
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))
    lot_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    state: Mapped[str] = mapped_column(String(12), default="active")
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    move_id: Mapped[int | None] = mapped_column(ForeignKey("stock_move.id"), index=True)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_stock_reservation_balance", "product_id", "location_id", "lot_key", "state"),
        Index("ix_stock_reservation_origin", "origin_type", "origin_id"),
    )


# --------------------------------------------------------------------------- documents


class Receipt(Record, Base):
    """Goods received from a supplier: ``draft`` → ``done`` (or ``cancelled``)."""

    __tablename__ = "stock_receipt"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    supplier: Mapped[str] = mapped_column(String(200), default="", server_default="")
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[dt.datetime | None] = mapped_column()
    done_by: Mapped[str | None] = mapped_column(String(100))


class ReceiptLine(IdMixin, Base):
    __tablename__ = "stock_receipt_line"
    receipt_id: Mapped[int] = mapped_column(ForeignKey("stock_receipt.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    lot_code: Mapped[str | None] = mapped_column(String(60))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))


class Requisition(Record, Base):
    """A material requisition (领料申请) for a requesting document.

    ``draft`` → ``approved`` → ``partially_issued`` → ``issued`` → ``closed``
    (``cancelled`` from draft/approved). Issuing moves stock from the warehouse
    location to the production location.
    """

    __tablename__ = "stock_requisition"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    origin_type: Mapped[str | None] = mapped_column(String(60))
    origin_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    from_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    to_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column()
    approved_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_stock_requisition_origin", "origin_type", "origin_id"),)


class RequisitionLine(IdMixin, Base):
    __tablename__ = "stock_requisition_line"
    requisition_id: Mapped[int] = mapped_column(ForeignKey("stock_requisition.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    issued_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0), server_default="0")


class Shipment(Record, Base):
    """A delivery to a customer (发货确认) from an origin document.

    ``draft`` → ``picked`` (stock reserved) → ``done``; ``cancelled`` before done.
    """

    __tablename__ = "stock_shipment"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    origin_type: Mapped[str] = mapped_column(String(60))
    origin_id: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    from_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    to_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column()
    done_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_stock_shipment_origin", "origin_type", "origin_id"),)


class ShipmentLine(IdMixin, Base):
    __tablename__ = "stock_shipment_line"
    shipment_id: Mapped[int] = mapped_column(ForeignKey("stock_shipment.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    origin_line_id: Mapped[int | None] = mapped_column(Integer, index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))


class Transfer(Record, Base):
    """An internal transfer between two internal locations: ``draft`` → ``done``."""

    __tablename__ = "stock_transfer"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    to_location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    done_at: Mapped[dt.datetime | None] = mapped_column()
    done_by: Mapped[str | None] = mapped_column(String(100))


class TransferLine(IdMixin, Base):
    __tablename__ = "stock_transfer_line"
    transfer_id: Mapped[int] = mapped_column(ForeignKey("stock_transfer.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))


class Count(Record, Base):
    """A cycle-count session: ``draft`` (counting) → ``done`` (adjustments posted)."""

    __tablename__ = "stock_count"
    number: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    done_by: Mapped[str | None] = mapped_column(String(100))


class CountLine(IdMixin, Base):
    """One counted (product, location, lot): the system quantity when it was counted,
    and what was found."""

    __tablename__ = "stock_count_line"
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_count.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_location.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lot.id"))
    system_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    counted_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    counted_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    counted_by: Mapped[str | None] = mapped_column(String(100))
    move_id: Mapped[int | None] = mapped_column(ForeignKey("stock_move.id"))


MODELS = [
    Category, Uom, Product, Warehouse, Location, Lot, LotConsumption, Move, Balance, Reservation,
    Receipt, ReceiptLine, Requisition, RequisitionLine, Shipment, ShipmentLine, Transfer, TransferLine,
    Count, CountLine,
]
