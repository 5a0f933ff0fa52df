"""GraphQL input types of the orders mutations, and their conversion to the services' arguments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import strawberry

from ._common import _id
from .types.enums import SalesOrderPriority


@strawberry.input(description="A new sales region.")
class RegionCreateInput:
    code: str = strawberry.field(description="Code, 1-32 of a-z 0-9 _ - (used in user attributes).")
    name: str = strawberry.field(description="Display name.")
    parent_code: str | None = strawberry.field(default=None, description="Parent region; omit for a top region.")


@strawberry.input(description="A contact person.")
class CustomerContactInput:
    name: str = strawberry.field(description="Full name.")
    role: str = strawberry.field(default="", description="Function.")
    phone: str = strawberry.field(default="", description="Phone number.")
    email: str = strawberry.field(default="", description="E-mail address.")


@strawberry.input(description="A new customer.")
class CustomerCreateInput:
    name: str = strawberry.field(description="Company name.")
    region_code: str = strawberry.field(description="Its region (must be one you cover).")
    code: str | None = strawberry.field(default=None, description="Customer number; omit to take the next one.")
    contacts: list[CustomerContactInput] = strawberry.field(default_factory=list, description="Contact persons.")
    credit_limit: Decimal | None = strawberry.field(default=None, description="Open-order value limit; omit for none.")
    payment_terms: str = strawberry.field(default="", description="Payment terms.")
    notes: str = strawberry.field(default="", description="Notes.")


@strawberry.input(description="Changes to a customer; omitted fields stay as they are.")
class CustomerUpdateInput:
    id: strawberry.ID = strawberry.field(description="The customer.")
    name: str | None = strawberry.field(default=None, description="New name.")
    region_code: str | None = strawberry.field(default=None, description="New region (existing orders keep theirs).")
    contacts: list[CustomerContactInput] | None = strawberry.field(default=None, description="The complete new contact list.")
    credit_limit: Decimal | None = strawberry.field(default=strawberry.UNSET, description="New limit; null removes it.")
    payment_terms: str | None = strawberry.field(default=None, description="New payment terms.")
    notes: str | None = strawberry.field(default=None, description="New notes.")
    active: bool | None = strawberry.field(default=None, description="Deactivate to stop new orders.")


@strawberry.input(description="A line of a sales order.")
class SalesOrderLineInput:
    product_id: strawberry.ID = strawberry.field(description="The product (stock `Product` id).")
    quantity: Decimal = strawberry.field(description="Quantity, > 0.")
    unit_price: Decimal = strawberry.field(default=Decimal(0), description="Price per unit, >= 0.")
    due_date: dt.date | None = strawberry.field(default=None, description="Line due date; omit for the order's.")


@strawberry.input(description="A new (draft) sales order.")
class SalesOrderCreateInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (one of your regions).")
    lines: list[SalesOrderLineInput] = strawberry.field(description="At least one line.")
    order_date: dt.date | None = strawberry.field(default=None, description="Order date; default today (UTC).")
    requested_date: dt.date | None = strawberry.field(default=None, description="Requested delivery date.")
    priority: SalesOrderPriority = strawberry.field(default=SalesOrderPriority.NORMAL, description="Priority.")
    customer_reference: str = strawberry.field(default="", description="The customer's PO number.")
    notes: str = strawberry.field(default="", description="Notes.")


@strawberry.input(description="Changes to a sales order; omitted fields stay as they are.")
class SalesOrderUpdateInput:
    id: strawberry.ID = strawberry.field(description="The order.")
    version: int | None = strawberry.field(default=None, description="The version you edited; a newer one is a CONFLICT.")
    requested_date: dt.date | None = strawberry.field(default=strawberry.UNSET, description="New requested date; null clears it.")
    priority: SalesOrderPriority | None = strawberry.field(default=None, description="New priority.")
    customer_reference: str | None = strawberry.field(default=None, description="New customer reference.")
    notes: str | None = strawberry.field(default=None, description="New notes.")
    lines: list[SalesOrderLineInput] | None = strawberry.field(
        default=None, description="The complete new list of lines (drafts only).")


@strawberry.input(description="A quantity of an order line to ship.")
class SalesOrderShipLineInput:
    line_id: strawberry.ID = strawberry.field(description="The order line.")
    quantity: Decimal = strawberry.field(description="Quantity to ship now, > 0 and at most what is open.")


@strawberry.input(description="Ship (part of) a sales order from stock.")
class SalesOrderShipInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    lines: list[SalesOrderShipLineInput] | None = strawberry.field(
        default=None, description="What to ship; omit to ship every open quantity.")
    from_location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Internal location the goods leave from (stock `Location`); "
                                  "default: the default stock location.")


def _line_dicts(lines: Sequence[SalesOrderLineInput]) -> list[dict[str, Any]]:
    return [{"product_id": _id(x.product_id, f"lines[{i}].productId"), "quantity": x.quantity,
             "unit_price": x.unit_price, "due_date": x.due_date} for i, x in enumerate(lines)]


def _contact_dicts(contacts: Sequence[CustomerContactInput] | None) -> list[dict[str, str]] | None:
    if contacts is None:
        return None
    return [{"name": c.name, "role": c.role, "phone": c.phone, "email": c.email} for c in contacts]
