"""Root mutation fields of the orders plugin: regions, customers, the sales order workflow, shipping."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session
from strawberry.types import Info

from tenon.graphql.permissions import allowed
from tenon.graphql.prefetch import selects
from tenon.plugins.stock import ShipmentLine

from ..services import customers, regions, sales_orders, shipping
from ._common import IdArg, _id
from .inputs import (
    CustomerCreateInput,
    CustomerUpdateInput,
    RegionCreateInput,
    SalesOrderCreateInput,
    SalesOrderShipInput,
    SalesOrderUpdateInput,
    _contact_dicts,
    _line_dicts,
)
from .types.customers import CustomerType
from .types.regions import RegionType
from .types.sales_orders import SalesOrderShipment, SalesOrderType


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a sales region.", extensions=allowed("orders.region", "create"))
    async def region_create(self, info: Info, input: Annotated[RegionCreateInput, strawberry.argument(description="The new region.")]) -> RegionType:
        r = await info.context.run(lambda s: regions.create_region(s, code=input.code, name=input.name,
                                                                    parent_code=input.parent_code))
        return RegionType.from_model(r)

    @strawberry.mutation(description="Create a customer in one of your regions.",
                         extensions=allowed("orders.customer", "create"))
    async def customer_create(self, info: Info, input: Annotated[CustomerCreateInput, strawberry.argument(description="The new customer.")]) -> CustomerType:
        c = await info.context.run(lambda s: customers.create_customer(
            s, name=input.name, region_code=input.region_code, code=input.code,
            contacts=_contact_dicts(input.contacts), credit_limit=input.credit_limit,
            payment_terms=input.payment_terms, notes=input.notes))
        return CustomerType.from_model(c)

    @strawberry.mutation(description="Change a customer (NOT_FOUND outside your regions).",
                         extensions=allowed("orders.customer", "update"))
    async def customer_update(self, info: Info, input: Annotated[CustomerUpdateInput, strawberry.argument(description="What to change.")]) -> CustomerType:
        kwargs: dict[str, Any] = {"name": input.name, "region_code": input.region_code,
                                  "contacts": _contact_dicts(input.contacts), "payment_terms": input.payment_terms,
                                  "notes": input.notes, "active": input.active}
        if input.credit_limit is not strawberry.UNSET:
            kwargs["credit_limit"] = input.credit_limit
        c = await info.context.run(lambda s: customers.update_customer(s, _id(input.id), **kwargs))
        return CustomerType.from_model(c)

    @strawberry.mutation(description="Create a draft sales order for a customer of your regions.",
                         extensions=allowed("orders.sales_order", "create"))
    async def sales_order_create(self, info: Info, input: Annotated[SalesOrderCreateInput, strawberry.argument(description="The new order.")]) -> SalesOrderType:
        o = await info.context.run(lambda s: sales_orders.create_sales_order(
            s, customer_id=_id(input.customer_id, "customerId"), lines=_line_dicts(input.lines),
            order_date=input.order_date, requested_date=input.requested_date, priority=input.priority.value,
            customer_reference=input.customer_reference, notes=input.notes))
        return SalesOrderType.from_model(o)

    @strawberry.mutation(description="Edit a sales order: header until shipped, lines while draft.",
                         extensions=allowed("orders.sales_order", "update"))
    async def sales_order_update(self, info: Info, input: Annotated[SalesOrderUpdateInput, strawberry.argument(description="What to change.")]) -> SalesOrderType:
        kwargs: dict[str, Any] = {
            "version": input.version, "priority": input.priority.value if input.priority else None,
            "customer_reference": input.customer_reference, "notes": input.notes,
            "lines": _line_dicts(input.lines) if input.lines is not None else None,
        }
        if input.requested_date is not strawberry.UNSET:
            kwargs["requested_date"] = input.requested_date
        o = await info.context.run(lambda s: sales_orders.update_sales_order(s, _id(input.id), **kwargs))
        return SalesOrderType.from_model(o)

    @strawberry.mutation(description="Confirm a draft order; production planning may refuse it.",
                         extensions=allowed("orders.sales_order", "confirm"))
    async def sales_order_confirm(self, info: Info, id: IdArg) -> SalesOrderType:
        return SalesOrderType.from_model(await info.context.run(sales_orders.confirm_sales_order, _id(id)))

    @strawberry.mutation(description="Cancel a draft or confirmed order with nothing shipped.",
                         extensions=allowed("orders.sales_order", "cancel"))
    async def sales_order_cancel(
        self, info: Info, id: IdArg,
        reason: Annotated[str, strawberry.argument(description="Why it is cancelled.")] = "",
    ) -> SalesOrderType:
        return SalesOrderType.from_model(
            await info.context.run(lambda s: sales_orders.cancel_sales_order(s, _id(id), reason=reason)))

    @strawberry.mutation(description="Close a fully shipped order (shipped → done).",
                         extensions=allowed("orders.sales_order", "close"))
    async def sales_order_close(self, info: Info, id: IdArg) -> SalesOrderType:
        return SalesOrderType.from_model(await info.context.run(sales_orders.close_sales_order, _id(id)))

    @strawberry.mutation(description="Ship open quantities of an order from stock: creates a draft stock shipment "
                                     "(confirm it with `shipmentConfirm`; the order follows when it is done).",
                         extensions=allowed("orders.sales_order", "ship"))
    async def sales_order_ship(self, info: Info, input: Annotated[SalesOrderShipInput, strawberry.argument(description="What to ship.")]) -> SalesOrderShipment:
        lines = None if input.lines is None else [
            {"line_id": _id(x.line_id, f"lines[{i}].lineId"), "quantity": x.quantity} for i, x in enumerate(input.lines)]

        wants_lines = selects(info, "lines")  # the shipment's lines are read back only when asked for

        def ship(session: Session) -> SalesOrderShipment:
            shipment = shipping.ship_sales_order(
                session, _id(input.order_id, "orderId"), lines,
                from_location_id=None if input.from_location_id is None else _id(input.from_location_id,
                                                                                  "fromLocationId"))
            rows = session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
                                   .order_by(ShipmentLine.id)).all() if wants_lines else []
            return SalesOrderShipment.from_model(shipment, rows)

        return await info.context.run(ship)
