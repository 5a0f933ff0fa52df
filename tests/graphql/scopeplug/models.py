"""Customers and orders scoped by region; items unscoped.

The classes are named ``Scope*`` because SQLAlchemy keeps one class registry for every model on
``Base``: a second ``Customer`` (the bundled ``orders`` plugin has one) would make string references
such as ``relationship("Customer")`` ambiguous in a test process that imported this plugin. The
short names below are plain aliases.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import Base, IdMixin, Money, Record


class ScopeItem(IdMixin, Base):
    """A product-like record, visible to every reader (no row scope)."""

    __tablename__ = "scopeplug_item"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class ScopeCustomer(Record, Base):
    """A customer, in exactly one sales region."""

    __tablename__ = "scopeplug_customer"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(40), index=True)


class ScopeOrder(Record, Base):
    """An order of one item by one customer; carries the region it is scoped by."""

    __tablename__ = "scopeplug_order"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("scopeplug_customer.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("scopeplug_item.id"), index=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)


Item, Customer, Order = ScopeItem, ScopeCustomer, ScopeOrder
