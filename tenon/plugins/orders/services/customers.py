"""Customers: each belongs to one region; a scoped actor only reads and writes those of her regions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.errors import Forbidden, NotFound, ValidationError
from tenon.core.sequences import next_number

from ..models import Customer
from ._common import _UNSET, CUSTOMER_SEQUENCE
from .regions import get_region


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
