"""Orders domain: regions, customers, sales orders and their workflow, shipping from stock
(progress and the KPI are in :mod:`.reports`).

Plain sync functions ``verb_noun(session, ...)``; they never commit. Every record a
caller names is loaded with an ORM ``select`` so the actor's row scope applies: a
record outside the actor's regions is ``NOT_FOUND``, exactly as if it did not exist.

The order workflow is data (:data:`TRANSITIONS`): each transition names its source
states, its target and one guard. Every change goes through :func:`_apply`, which
records a :class:`SalesOrderStateChange` row (time, from, to, actor), publishes the
event ``orders.sales_order.state_changed`` and calls the plugin-owned hooks.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.db import current_actor, utcnow
from tenon.core.errors import Conflict, Forbidden, NotFound, TenonError, ValidationError
from tenon.core.events import Event, publish
from tenon.core.sequences import next_number
from tenon.plugins.orders.errors import OverShipment
from tenon.plugins.orders.models import (
    OPEN_STATES,
    PRIORITIES,
    SHIPPABLE_STATES,
    Customer,
    Region,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStateChange,
)
from tenon.plugins.stock import Product, Shipment, ShipmentLine, create_shipment

ORDER_SEQUENCE = "orders.sales_order"
CUSTOMER_SEQUENCE = "orders.customer"
#: ``origin_type`` of the stock shipments this plugin asks for.
ORIGIN_TYPE = "orders.sales_order"
STATE_CHANGED = "orders.sales_order.state_changed"
REGION_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
ZERO = Decimal(0)


class CreditLimitExceeded(TenonError):
    code = "CREDIT_LIMIT_EXCEEDED"


# =========================================================================== regions


def covered_region_codes(codes: Iterable[str]) -> Select[Any]:
    """The codes of ``codes`` and of every region below them, as a subquery.

    This is how a region scope reads: a sales rep whose attribute ``regions`` lists
    ``east`` covers East China and every region under it (Zhejiang, Jiangsu...).
    """
    conds = [Region.path.like(f"%/{_like_escape(c)}/%", escape="\\") for c in codes]
    return select(Region.code).where(or_(*conds) if conds else false())


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def region_scope(model: type, values: list[Any]) -> ColumnElement[bool]:
    """Row-scope criterion for a model with a ``region_code`` column (see ``plugin.py``).

    Built once per (model, regions) and reused: the kernel asks for it on every request.
    """
    return _region_scope(model, tuple(sorted({str(v) for v in values if v})))


@functools.lru_cache(maxsize=1024)
def _region_scope(model: type, codes: tuple[str, ...]) -> ColumnElement[bool]:
    if not codes:
        return false()
    return model.region_code.in_(covered_region_codes(codes))  # type: ignore[attr-defined]


def get_region(session: Session, code: str, *, field_name: str = "regionCode") -> Region:
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise NotFound(f"no region {code!r}", field=field_name)
    return region


def create_region(session: Session, *, code: str, name: str, parent_code: str | None = None) -> Region:
    """Create a sales region, optionally under ``parent_code``.

    :raises ValidationError: bad or duplicate code, empty name, unknown parent.
    """
    code = (code or "").strip().lower()
    if not REGION_CODE_RE.match(code):
        raise ValidationError("region code must be 1-32 characters of a-z 0-9 _ -", field="code")
    if not (name or "").strip():
        raise ValidationError("region name must not be empty", field="name")
    if session.scalar(select(Region.id).where(Region.code == code)) is not None:
        raise ValidationError(f"region {code!r} already exists", field="code")
    parent = None
    if parent_code:
        parent = session.scalar(select(Region).where(Region.code == parent_code))
        if parent is None:
            raise ValidationError(f"no parent region {parent_code!r}", field="parentCode")
    region = Region(code=code, name=name.strip(), parent_id=parent.id if parent else None,
                    path=f"{parent.path if parent else '/'}{code}/")
    session.add(region)
    session.flush()
    return region


def ensure_region(session: Session, *, code: str, name: str, parent_code: str | None = None) -> Region:
    """The region ``code``, created if missing (idempotent; for demo data and imports)."""
    region = session.scalar(select(Region).where(Region.code == code))
    return region if region is not None else create_region(session, code=code, name=name, parent_code=parent_code)


# =========================================================================== customers


def get_customer(session: Session, customer_id: int, *, field_name: str = "id") -> Customer:
    """The customer, if the actor's scope covers it; else ``NOT_FOUND``."""
    customer = session.scalar(select(Customer).where(Customer.id == customer_id))
    if customer is None:
        raise NotFound(f"no customer {customer_id}", field=field_name)
    return customer


def _check_visible(session: Session, model: type, row_id: int, message: str, field_name: str) -> None:
    # A row the actor could not read back is outside her scope: refuse writing it.
    if session.scalar(select(model.id).where(model.id == row_id)) is None:  # type: ignore[attr-defined]
        raise Forbidden(message, field=field_name)


def _contacts(contacts: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    out = []
    for i, c in enumerate(contacts or []):
        item = {k: str(c.get(k) or "").strip() for k in ("name", "role", "phone", "email")}
        if not item["name"]:
            raise ValidationError("a contact needs a name", field=f"contacts[{i}].name")
        out.append(item)
    return out


def create_customer(
    session: Session,
    *,
    name: str,
    region_code: str,
    code: str | None = None,
    contacts: Iterable[Mapping[str, Any]] | None = None,
    credit_limit: Decimal | None = None,
    payment_terms: str = "",
    notes: str = "",
) -> Customer:
    """Create a customer in a region. Without ``code`` the number comes from the
    ``orders.customer`` sequence (``C-00042``). A scoped actor may only create customers
    in regions she covers (else ``FORBIDDEN``)."""
    if not (name or "").strip():
        raise ValidationError("customer name must not be empty", field="name")
    region = get_region(session, region_code)
    if credit_limit is not None and credit_limit < 0:
        raise ValidationError("credit limit must not be negative", field="creditLimit")
    code = (code or "").strip() or next_number(session, CUSTOMER_SEQUENCE)
    if session.scalar(select(Customer.id).where(Customer.code == code).execution_options(**unscoped())):
        raise ValidationError(f"customer code {code!r} is taken", field="code")
    customer = Customer(code=code, name=name.strip(), region_id=region.id, region_code=region.code,
                        contacts=_contacts(contacts), credit_limit=credit_limit,
                        payment_terms=payment_terms.strip(), notes=notes)
    session.add(customer)
    session.flush()
    _check_visible(session, Customer, customer.id, f"region {region.code!r} is outside your regions", "regionCode")
    return customer


_UNSET: Any = object()


def update_customer(
    session: Session,
    customer_id: int,
    *,
    name: str | None = None,
    region_code: str | None = None,
    contacts: Iterable[Mapping[str, Any]] | None = None,
    credit_limit: Decimal | None = _UNSET,
    payment_terms: str | None = None,
    notes: str | None = None,
    active: bool | None = None,
) -> Customer:
    """Change a customer; omitted fields stay. Moving a customer to another region
    leaves its existing orders in the region they were sold in."""
    customer = get_customer(session, customer_id)
    if name is not None:
        if not name.strip():
            raise ValidationError("customer name must not be empty", field="name")
        customer.name = name.strip()
    if region_code is not None and region_code != customer.region_code:
        region = get_region(session, region_code)
        customer.region_id, customer.region_code = region.id, region.code
    if contacts is not None:
        customer.contacts = _contacts(contacts)
    if credit_limit is not _UNSET:
        if credit_limit is not None and credit_limit < 0:
            raise ValidationError("credit limit must not be negative", field="creditLimit")
        customer.credit_limit = credit_limit
    if payment_terms is not None:
        customer.payment_terms = payment_terms.strip()
    if notes is not None:
        customer.notes = notes
    if active is not None:
        customer.active = active
    session.flush()
    _check_visible(session, Customer, customer.id, "the customer would leave your regions", "regionCode")
    return customer


# =========================================================================== workflow as data


def _open_shipment_quantities(session: Session, order_id: int) -> dict[int, Decimal]:
    """Per order line: the quantity in this order's stock shipments that are not done yet."""
    rows = session.execute(
        select(ShipmentLine.origin_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.origin_type == ORIGIN_TYPE, Shipment.origin_id == order_id,
               Shipment.state.not_in(("done", "cancelled")))
        .group_by(ShipmentLine.origin_line_id)
    ).all()
    return {int(line_id): Decimal(qty or 0) for line_id, qty in rows if line_id is not None}


def _fully_shipped(lines: Sequence[SalesOrderLine]) -> bool:
    return bool(lines) and all(line.shipped_quantity >= line.quantity for line in lines)


def _guard_confirm(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not lines:
        raise ValidationError(f"sales order {order.number} has no lines", field="lines")
    customer = session.scalar(select(Customer).where(Customer.id == order.customer_id))
    if customer is None:
        raise NotFound(f"no customer {order.customer_id}", field="customerId")
    if not customer.active:
        raise ValidationError(f"customer {customer.code} is inactive", field="customerId")
    if customer.credit_limit is not None:
        exposure = _open_value(session, customer.id) + sum(
            (line.quantity * line.unit_price for line in lines), ZERO)
        if exposure > customer.credit_limit:
            raise CreditLimitExceeded(
                f"confirming {order.number} brings {customer.code}'s open orders to {exposure:.2f}, "
                f"over its credit limit of {customer.credit_limit:.2f}",
                field="customerId", details={"openValue": str(exposure), "creditLimit": str(customer.credit_limit)})


def _open_value(session: Session, customer_id: int) -> Decimal:
    value = session.scalar(
        select(func.sum((SalesOrderLine.quantity - SalesOrderLine.shipped_quantity) * SalesOrderLine.unit_price))
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(SalesOrder.customer_id == customer_id, SalesOrder.state.in_(OPEN_STATES),
               SalesOrderLine.shipped_quantity < SalesOrderLine.quantity)
        .execution_options(**unscoped())  # credit exposure counts every region's orders
    )
    return Decimal(value or 0)


def _guard_none(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    return None


def _guard_produced(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    short = [line.position for line in lines if line.produced_quantity < line.quantity - line.shipped_quantity]
    if short:
        raise ValidationError(f"sales order {order.number}: line(s) {short} are not produced yet", field="lines")


def _guard_partially_shipped(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not any(line.shipped_quantity > 0 for line in lines) or _fully_shipped(lines):
        raise ValidationError(f"sales order {order.number} is not partially shipped", field="lines")


def _guard_fully_shipped(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not _fully_shipped(lines):
        raise ValidationError(f"sales order {order.number} is not fully shipped", field="lines")


def _guard_cancel(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if any(line.shipped_quantity > 0 for line in lines) or _open_shipment_quantities(session, order.id):
        raise ValidationError(f"sales order {order.number} has shipments; it cannot be cancelled", field="state")


Guard = Callable[[Session, SalesOrder, Sequence[SalesOrderLine]], None]


@dataclass(frozen=True)
class Transition:
    """One edge of the order workflow: ``action`` moves an order from one of ``source`` to
    ``target`` when ``guard`` (raising a ``TenonError``) lets it."""

    action: str
    source: tuple[str, ...]
    target: str
    guard: Guard
    verb: str  # for messages: "confirmed", "cancelled"


#: The sales order workflow. ``ship_partially``/``ship_fully`` follow stock's done shipments;
#: ``start_production``/``finish_production`` are driven by production (mrp) through
#: :func:`mark_in_production`, :func:`record_produced` and :func:`mark_ready`.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("confirm", ("draft",), "confirmed", _guard_confirm, "confirmed"),
    Transition("start_production", ("confirmed",), "in_production", _guard_none, "put in production"),
    Transition("finish_production", ("in_production",), "ready", _guard_produced, "marked ready"),
    Transition("ship_partially", ("confirmed", "in_production", "ready"), "partially_shipped",
               _guard_partially_shipped, "shipped"),
    Transition("ship_fully", SHIPPABLE_STATES, "shipped", _guard_fully_shipped, "shipped"),
    Transition("close", ("shipped",), "done", _guard_fully_shipped, "closed"),
    Transition("cancel", ("draft", "confirmed"), "cancelled", _guard_cancel, "cancelled"),
)


def transition_for(order: SalesOrder, action: str) -> Transition:
    """The transition ``action`` from the order's current state.

    :raises ValidationError: (``VALIDATION``, field ``state``) the action is illegal
        in that state; the message and ``details.state`` name it.
    """
    candidates = [t for t in TRANSITIONS if t.action == action]
    if not candidates:
        raise ValueError(f"unknown sales order action {action!r}")
    for t in candidates:
        if order.state in t.source:
            return t
    allowed = sorted({s for t in candidates for s in t.source})
    raise ValidationError(
        f"sales order {order.number} is {order.state}; it cannot be {candidates[0].verb} "
        f"(only from {', '.join(allowed)})",
        field="state", details={"state": order.state, "action": action, "allowedFrom": allowed},
    )


def order_lines(session: Session, order_id: int) -> list[SalesOrderLine]:
    """The lines of an order, by position (scoped like the order)."""
    return list(session.scalars(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order_id)
        .order_by(SalesOrderLine.position, SalesOrderLine.id)
    ))


def _record(session: Session, order: SalesOrder, from_state: str | None, to_state: str, note: str = "") -> None:
    actor = current_actor(session)
    session.add(SalesOrderStateChange(order_id=order.id, region_code=order.region_code, from_state=from_state,
                                      to_state=to_state, at=utcnow(), actor=actor.username if actor else None,
                                      note=note[:500]))
    session.flush()
    publish(session, STATE_CHANGED, {"order_id": order.id, "number": order.number, "region_code": order.region_code,
                                     "from_state": from_state, "to_state": to_state})
    session.info["app"].hook.tenon_orders_sales_order_state_changed(
        session=session, order=order, from_state=from_state, to_state=to_state, actor=actor)


def _apply(session: Session, order: SalesOrder, action: str, *, note: str = "",
           before: Callable[[SalesOrder], None] | None = None) -> SalesOrder:
    t = transition_for(order, action)
    lines = order_lines(session, order.id)
    t.guard(session, order, lines)
    if before is not None:
        before(order)
    from_state = order.state
    order.state = t.target
    session.flush()
    _record(session, order, from_state, t.target, note)
    if action == "confirm":
        session.info["app"].hook.tenon_orders_sales_order_confirmed(
            session=session, order=order, lines=lines, actor=current_actor(session))
    return order


# =========================================================================== sales orders


def get_sales_order(session: Session, order_id: int, *, field_name: str = "id") -> SalesOrder:
    """The order, if the actor's scope covers it; else ``NOT_FOUND``."""
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == order_id))
    if order is None:
        raise NotFound(f"no sales order {order_id}", field=field_name)
    return order


def _decimal(value: Any, field_name: str) -> Decimal:
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError("not a number", field=field_name) from None
    if not d.is_finite():
        raise ValidationError("not a number", field=field_name)
    return d


def _build_lines(session: Session, order: SalesOrder, lines: Sequence[Mapping[str, Any]]) -> list[SalesOrderLine]:
    if not lines:
        raise ValidationError("an order needs at least one line", field="lines")
    product_ids = {int(line["product_id"]) for line in lines}
    known = set(session.scalars(select(Product.id).where(Product.id.in_(product_ids))))
    out = []
    for i, line in enumerate(lines):
        pid = int(line["product_id"])
        if pid not in known:
            raise ValidationError(f"no product {pid}", field=f"lines[{i}].productId")
        qty = _decimal(line.get("quantity"), f"lines[{i}].quantity")
        if qty <= 0:
            raise ValidationError("quantity must be positive", field=f"lines[{i}].quantity")
        price = _decimal(line.get("unit_price", 0) or 0, f"lines[{i}].unitPrice")
        if price < 0:
            raise ValidationError("unit price must not be negative", field=f"lines[{i}].unitPrice")
        out.append(SalesOrderLine(order_id=order.id, region_code=order.region_code, position=i + 1, product_id=pid,
                                  quantity=qty, unit_price=price, due_date=line.get("due_date")))
    return out


def _priority(value: str) -> str:
    if value not in PRIORITIES:
        raise ValidationError(f"priority must be one of {', '.join(PRIORITIES)}", field="priority")
    return value


def create_sales_order(
    session: Session,
    *,
    customer_id: int,
    lines: Sequence[Mapping[str, Any]],
    order_date: dt.date | None = None,
    requested_date: dt.date | None = None,
    priority: str = "normal",
    customer_reference: str = "",
    notes: str = "",
) -> SalesOrder:
    """Create a draft order numbered from ``orders.sales_order`` (``SO-2026-00042``).

    :param customer_id: the customer; outside the actor's regions it is ``NOT_FOUND``.
    :param lines: ``{"product_id", "quantity", "unit_price", "due_date"}`` dicts.
    :returns: the order; its region is the customer's.
    """
    customer = get_customer(session, customer_id, field_name="customerId")
    if not customer.active:
        raise ValidationError(f"customer {customer.code} is inactive", field="customerId")
    order_date = order_date or utcnow().date()
    if requested_date is not None and requested_date < order_date:
        raise ValidationError("the requested date is before the order date", field="requestedDate")
    order = SalesOrder(number=next_number(session, ORDER_SEQUENCE), customer_id=customer.id,
                       region_code=customer.region_code, state="draft", order_date=order_date,
                       requested_date=requested_date, priority=_priority(priority),
                       customer_reference=customer_reference.strip(), notes=notes)
    session.add(order)
    session.flush()
    session.add_all(_build_lines(session, order, lines))
    session.flush()
    _record(session, order, None, "draft")
    return order


def update_sales_order(
    session: Session,
    order_id: int,
    *,
    version: int | None = None,
    requested_date: dt.date | None = _UNSET,
    priority: str | None = None,
    customer_reference: str | None = None,
    notes: str | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> SalesOrder:
    """Edit an order. Header fields may change until it is shipped, done or cancelled;
    ``lines`` (the complete new list) only while it is a draft.

    :param version: the version the client edited; a newer one is a ``CONFLICT``.
    """
    order = get_sales_order(session, order_id)
    if version is not None and version != order.version:
        raise Conflict(f"sales order {order.number} was changed by someone else; reload it", field="version")
    if order.state not in ("draft", *OPEN_STATES):
        raise ValidationError(f"sales order {order.number} is {order.state}; it cannot be edited", field="state",
                              details={"state": order.state})
    if requested_date is not _UNSET:
        if requested_date is not None and requested_date < order.order_date:
            raise ValidationError("the requested date is before the order date", field="requestedDate")
        order.requested_date = requested_date
    if priority is not None:
        order.priority = _priority(priority)
    if customer_reference is not None:
        order.customer_reference = customer_reference.strip()
    if notes is not None:
        order.notes = notes
    if lines is not None:
        if order.state != "draft":
            raise ValidationError(f"sales order {order.number} is {order.state}; only a draft's lines can change",
                                  field="state", details={"state": order.state})
        for old in order_lines(session, order.id):
            session.delete(old)
        session.flush()
        session.add_all(_build_lines(session, order, lines))
    order.updated_at = utcnow()  # bumps the version even when only lines changed
    session.flush()
    return order


def confirm_sales_order(session: Session, order_id: int) -> SalesOrder:
    """``draft`` → ``confirmed``; calls ``tenon_orders_sales_order_confirmed`` (which may veto)."""
    return _apply(session, get_sales_order(session, order_id), "confirm")


def cancel_sales_order(session: Session, order_id: int, *, reason: str = "") -> SalesOrder:
    """``draft``/``confirmed`` → ``cancelled`` when nothing is shipped or in an open shipment;
    calls ``tenon_orders_sales_order_cancelling`` first (which may veto)."""
    order = get_sales_order(session, order_id)

    def before(o: SalesOrder) -> None:
        session.info["app"].hook.tenon_orders_sales_order_cancelling(
            session=session, order=o, actor=current_actor(session))
        o.cancel_reason = reason.strip()[:500]

    return _apply(session, order, "cancel", note=reason, before=before)


def close_sales_order(session: Session, order_id: int) -> SalesOrder:
    """``shipped`` → ``done``: the sales side is finished with the order."""
    return _apply(session, get_sales_order(session, order_id), "close")


# --------------------------------------------------------------------------- production (mrp)


def mark_in_production(session: Session, order_id: int) -> SalesOrder:
    """``confirmed`` → ``in_production``. For production planning (mrp), typically from its
    ``tenon_orders_sales_order_confirmed`` implementation or when a work order starts."""
    return _apply(session, get_sales_order(session, order_id), "start_production")


def record_produced(session: Session, line_id: int, quantity: Decimal) -> SalesOrderLine:
    """Add ``quantity`` (negative to correct) to a line's produced quantity. When every line
    of an ``in_production`` order is produced, the order becomes ``ready``.

    :raises ValidationError: the order is not open, or the total would go below zero.
    """
    line = session.scalar(select(SalesOrderLine).where(SalesOrderLine.id == line_id))
    if line is None:
        raise NotFound(f"no sales order line {line_id}", field="lineId")
    order = get_sales_order(session, line.order_id)
    if order.state not in OPEN_STATES:
        raise ValidationError(f"sales order {order.number} is {order.state}; production cannot be recorded",
                              field="state", details={"state": order.state})
    quantity = _decimal(quantity, "quantity")
    if line.produced_quantity + quantity < 0:
        raise ValidationError("produced quantity would become negative", field="quantity")
    line.produced_quantity += quantity
    session.flush()
    if order.state == "in_production":
        try:
            _guard_produced(session, order, order_lines(session, order.id))
        except ValidationError:
            return line
        _apply(session, order, "finish_production")
    return line


def mark_ready(session: Session, order_id: int) -> SalesOrder:
    """``in_production`` → ``ready`` (guard: every line's open quantity is produced)."""
    return _apply(session, get_sales_order(session, order_id), "finish_production")


# --------------------------------------------------------------------------- shipping


def ship_sales_order(session: Session, order_id: int, lines: Sequence[Mapping[str, Any]] | None = None, *,
                     from_location_id: int | None = None) -> Any:
    """Ask stock for a (draft) shipment of some open quantities of an order.

    :param lines: ``{"line_id", "quantity"}``; ``None`` or empty ships everything still open.
    :param from_location_id: the internal location the goods leave from (default: stock's
        default stock location).
    :returns: stock's :class:`Shipment`. When stock confirms it, ``stock.shipment.done``
        updates the shipped quantities and the order's state (:func:`on_shipment_done`).
    :raises OverShipment: more than ordered − shipped − already in open shipments.
    """
    order = get_sales_order(session, order_id, field_name="orderId")
    if order.state not in SHIPPABLE_STATES:
        raise ValidationError(f"sales order {order.number} is {order.state}; it cannot be shipped",
                              field="state", details={"state": order.state, "allowedFrom": list(SHIPPABLE_STATES)})
    # Touch the order first: its optimistic version takes the row lock, so two clerks shipping
    # the same order at once get one shipment and one CONFLICT, never an over-shipment.
    order.updated_at = utcnow()
    session.flush()
    by_id = {line.id: line for line in order_lines(session, order.id)}
    pending = _open_shipment_quantities(session, order.id)

    def open_qty(line: SalesOrderLine) -> Decimal:
        return line.quantity - line.shipped_quantity - pending.get(line.id, ZERO)

    wanted: dict[int, Decimal] = {}
    if lines:
        for i, item in enumerate(lines):
            line = by_id.get(int(item["line_id"]))
            if line is None:
                raise ValidationError(f"line {item['line_id']} is not a line of {order.number}", field=f"lines[{i}].lineId")
            qty = _decimal(item.get("quantity"), f"lines[{i}].quantity")
            if qty <= 0:
                raise ValidationError("quantity must be positive", field=f"lines[{i}].quantity")
            wanted[line.id] = wanted.get(line.id, ZERO) + qty
            if wanted[line.id] > open_qty(line):
                raise OverShipment(
                    f"line {line.position} of {order.number} has {open_qty(line)} open, {wanted[line.id]} asked",
                    field=f"lines[{i}].quantity", details={"open": str(open_qty(line))})
    else:
        wanted = {lid: open_qty(line) for lid, line in by_id.items() if open_qty(line) > 0}
    if not wanted:
        raise ValidationError(f"sales order {order.number} has nothing left to ship", field="lines")
    return create_shipment(
        session, origin_type=ORIGIN_TYPE, origin_id=order.id, reference=order.number,
        from_location_id=from_location_id,
        lines=[{"product_id": by_id[lid].product_id, "quantity": qty, "origin_line_id": lid}
               for lid, qty in wanted.items()],
    )


def on_shipment_done(session: Session, event: Event) -> None:
    """In-transaction subscriber of ``stock.shipment.done``: add the shipped quantities to the
    order's lines and move the order to ``partially_shipped`` or ``shipped``.

    The order is loaded across row scopes on purpose: stock already authorised whoever
    confirmed the shipment, and the goods have left; the order must follow whatever the
    confirming user may read. Refusing here would veto the shipment.
    """
    payload = event.payload
    if payload.get("origin_type") != ORIGIN_TYPE:
        return
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == int(payload["origin_id"]))
                           .execution_options(**unscoped()))
    if order is None:
        raise NotFound(f"shipment {payload.get('number')} names a missing sales order {payload['origin_id']}")
    if order.state not in SHIPPABLE_STATES:
        raise ValidationError(f"sales order {order.number} is {order.state}; its shipment cannot be done",
                              field="state", details={"state": order.state})
    lines = {line.id: line for line in session.scalars(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order.id).execution_options(**unscoped()))}
    for item in payload.get("lines", []):
        line = lines.get(int(item.get("origin_line_id") or 0))
        if line is not None:
            line.shipped_quantity += Decimal(str(item["quantity"]))
    session.flush()
    values = list(lines.values())
    if _fully_shipped(values):
        _apply(session, order, "ship_fully", note=f"shipment {payload.get('number', '')}")
    elif order.state != "partially_shipped" and any(line.shipped_quantity > 0 for line in values):
        _apply(session, order, "ship_partially", note=f"shipment {payload.get('number', '')}")
