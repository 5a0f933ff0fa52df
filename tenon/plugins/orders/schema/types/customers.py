"""GraphQL output types of the orders plugin: customers and their contacts."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from tenon.graphql.prefetch import columns

from ... import reports
from ...models import Customer, Region
from ..loaders import _by_ids
from .._common import _gid


@strawberry.type(description="A person to talk to at a customer.")
class CustomerContact:
    name: str = strawberry.field(description="Full name.")
    role: str = strawberry.field(description="Function, e.g. purchasing.")
    phone: str = strawberry.field(description="Phone number.")
    email: str = strawberry.field(description="E-mail address.")


@strawberry.type(name="Customer", description="A customer; it belongs to exactly one region.")
class CustomerType:
    id: strawberry.ID = strawberry.field(description="Customer id.")
    code: str = strawberry.field(description="Customer number (from the `orders.customer` sequence unless given).")
    name: str = strawberry.field(description="Company name.")
    region_code: str = strawberry.field(description="Code of the customer's region.")
    contacts: list[CustomerContact] = strawberry.field(description="Contact persons.")
    credit_limit: Decimal | None = strawberry.field(
        description="Maximum value of open (confirmed, unshipped) orders; null for no limit.")
    payment_terms: str = strawberry.field(description="Agreed payment terms, e.g. `60 days net`.")
    notes: str = strawberry.field(description="Free notes for sales.")
    active: bool = strawberry.field(description="Inactive customers take no new orders.")
    version: int = strawberry.field(description="Optimistic-lock version.")
    _region_id: strawberry.Private[int]
    _id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Customer) -> CustomerType:
        return cls(id=_gid(m.id), code=m.code, name=m.name, region_code=m.region_code,
                   contacts=[CustomerContact(name=c.get("name", ""), role=c.get("role", ""), phone=c.get("phone", ""),
                                             email=c.get("email", "")) for c in (m.contacts or [])],
                   credit_limit=m.credit_limit, payment_terms=m.payment_terms, notes=m.notes, active=m.active,
                   version=m.version, _region_id=m.region_id, _id=m.id)

    @staticmethod
    def from_row(m: Customer | None) -> CustomerType | None:
        """:meth:`from_model`, ``None`` for ``None`` (a customer outside the reader's regions)."""
        return CustomerType.from_model(m) if m is not None else None

    @strawberry.field(description="The customer's region.")
    async def region(self, info: Info) -> RegionType | None:
        r = await info.context.batch("orders.region_by_id", _by_ids(Region)).load(self._region_id)
        return RegionType.from_model(r) if r else None

    @strawberry.field(description="The customer's sales orders you may see, newest first.")
    async def orders(self, info: Info) -> list[SalesOrderType]:
        rows = await info.context.batch("orders.orders_by_customer", reports.orders_by_customer).load(self._id)
        return [SalesOrderType.from_model(o) for o in rows]


# Types this module names in annotations; imported last, as they name this module's types too.
from .regions import RegionType  # noqa: E402
from .sales_orders import SalesOrderType  # noqa: E402


#: what :meth:`CustomerType.from_model` reads: nested batches load these as plain rows
CUSTOMER_COLUMNS = columns(Customer, "id", "code", "name", "region_code", "contacts", "credit_limit", "payment_terms",
                           "notes", "active", "version", "region_id")
