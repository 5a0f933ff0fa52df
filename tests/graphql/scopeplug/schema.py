"""GraphQL for scopeplug: lists, lookups, nested fields through DataLoaders, an aggregate, two mutations."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.contributions import SchemaContribution
from tenon.core.errors import NotFound
from tenon.graphql.permissions import allowed
from tenon.graphql.prefetch import Prefetch, columns, direct, rows_by_id, selected
from tenon.graphql.relay import Connection, paginate

from . import services
from .models import Customer, Item, Order

FirstArg = Annotated[int | None, strawberry.argument(description="Page size (default and maximum from the site).")]
AfterArg = Annotated[str | None, strawberry.argument(description="Cursor of the item before the page.")]


def _int_id(value: strawberry.ID, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no {what} {value}", field="id") from None


@strawberry.type(name="Item", description="A product-like record; every reader sees every item.")
class ItemType:
    id: strawberry.ID = strawberry.field(description="Item id.")
    code: str = strawberry.field(description="Unique item code.")
    name: str = strawberry.field(description="Item name.")
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Item) -> ItemType:
        return cls(id=strawberry.ID(str(m.id)), code=m.code, name=m.name, pk=m.id)

    @strawberry.field(description="Orders of this item, only those the reader may see.")
    async def orders(self, info: Info) -> list[OrderType]:
        rows = await info.context.batch("scopeplug.orders_by_item", services.orders_by_item).load(self.pk)
        return [OrderType.from_model(o) for o in rows]


@strawberry.type(name="Customer", description="A customer in one sales region.")
class CustomerType:
    id: strawberry.ID = strawberry.field(description="Customer id.")
    code: str = strawberry.field(description="Unique customer code.")
    name: str = strawberry.field(description="Customer name.")
    region: str = strawberry.field(description="Sales region the customer belongs to (the row scope).")
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Customer) -> CustomerType:
        return cls(id=strawberry.ID(str(m.id)), code=m.code, name=m.name, region=m.region, pk=m.id)

    @strawberry.field(description="The customer's orders that the reader may see.")
    async def orders(self, info: Info) -> list[OrderType]:
        rows = await info.context.batch("scopeplug.orders_by_customer", services.orders_by_customer).load(self.pk)
        return [OrderType.from_model(o) for o in rows]


@strawberry.type(name="Order", description="An order of one item by one customer.")
class OrderType:
    id: strawberry.ID = strawberry.field(description="Order id.")
    number: str = strawberry.field(description="Unique order number.")
    region: str = strawberry.field(description="Sales region of the order (the row scope).")
    amount: Decimal = strawberry.field(description="Order amount.")
    customer_pk: strawberry.Private[int]
    item_pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Order) -> OrderType:
        return cls(id=strawberry.ID(str(m.id)), number=m.number, region=m.region, amount=m.amount,
                   customer_pk=m.customer_id, item_pk=m.item_id)

    # plain resolvers, called by graphql-core directly: loaded with the page by ``orders``
    # (ORDER_PREFETCH), else through the DataLoader
    @strawberry.field(description="The ordering customer, or null when the reader may not see it.")
    @direct
    def customer(self, info: Info) -> CustomerType | None:
        return ORDER_PREFETCH["customer"].load(info, self.customer_pk)

    @strawberry.field(description="The ordered item.")
    @direct
    def item(self, info: Info) -> ItemType | None:
        return ORDER_PREFETCH["item"].load(info, self.item_pk)


def _customer(row: Any) -> CustomerType | None:
    return CustomerType.from_model(row) if row is not None else None


def _item(row: Any) -> ItemType | None:
    return ItemType.from_model(row) if row is not None else None


#: the columns each type's ``from_model`` reads: lists and nested batches load these as plain rows
ORDER_COLUMNS = columns(Order, "id", "number", "region", "amount", "customer_id", "item_id")
CUSTOMER_COLUMNS = columns(Customer, "id", "code", "name", "region")
ITEM_COLUMNS = columns(Item, "id", "code", "name")

ORDER_PREFETCH = {
    "customer": Prefetch("scopeplug.customer_by_id", rows_by_id(Customer, CUSTOMER_COLUMNS),
                         lambda o: o.customer_id, _customer),
    "item": Prefetch("scopeplug.item_by_id", rows_by_id(Item, ITEM_COLUMNS), lambda o: o.item_id, _item),
}


@strawberry.type(description="Count and total of the orders the reader may see.")
class OrderStats:
    count: int = strawberry.field(description="Number of orders.")
    total_amount: Decimal = strawberry.field(description="Sum of their amounts (0 when none).")


@strawberry.input(description="A new amount for an order.")
class OrderUpdateInput:
    id: strawberry.ID = strawberry.field(description="The order.")
    amount: Decimal = strawberry.field(description="The new amount (not negative).")


@strawberry.input(description="A new name for a customer.")
class CustomerRenameInput:
    id: strawberry.ID = strawberry.field(description="The customer.")
    name: str = strawberry.field(description="The new name (not empty).")


@strawberry.type
class Query:
    @strawberry.field(description="Customers the reader may see, by id.",
                      extensions=allowed("scopeplug.customer", "read"))
    async def customers(self, info: Info, first: FirstArg = None, after: AfterArg = None) -> Connection[CustomerType]:
        return await paginate(info.context, select(Customer).order_by(Customer.id), first=first, after=after,
                              convert=CustomerType.from_model)

    @strawberry.field(description="One customer; NOT_FOUND when it does not exist or is outside the reader's scope.",
                      extensions=allowed("scopeplug.customer", "read"))
    async def customer(self, info: Info,
                       id: Annotated[strawberry.ID, strawberry.argument(description="Customer id.")]) -> CustomerType:
        row = await info.context.run(services.get_customer, _int_id(id, "customer"))
        return CustomerType.from_model(row)

    @strawberry.field(description="Items, by id.", extensions=allowed("scopeplug.item", "read"))
    async def items(self, info: Info, first: FirstArg = None, after: AfterArg = None) -> Connection[ItemType]:
        return await paginate(info.context, select(Item).order_by(Item.id), first=first, after=after,
                              convert=ItemType.from_model)

    @strawberry.field(description="Orders the reader may see, by id.", extensions=allowed("scopeplug.order", "read"))
    async def orders(self, info: Info, first: FirstArg = None, after: AfterArg = None) -> Connection[OrderType]:
        return await paginate(info.context, select(Order).order_by(Order.id), first=first, after=after,
                              convert=OrderType.from_model, prefetch=selected(info, ORDER_PREFETCH),
                              columns=ORDER_COLUMNS)

    @strawberry.field(description="One order; NOT_FOUND when it does not exist or is outside the reader's scope.",
                      extensions=allowed("scopeplug.order", "read"))
    async def order(self, info: Info,
                    id: Annotated[strawberry.ID, strawberry.argument(description="Order id.")]) -> OrderType:
        row = await info.context.run(services.get_order, _int_id(id, "order"))
        return OrderType.from_model(row)

    @strawberry.field(description="Count and total amount of the orders the reader may see.",
                      extensions=allowed("scopeplug.order", "read"))
    async def order_stats(self, info: Info) -> OrderStats:
        count, total = await info.context.run(services.order_stats)
        return OrderStats(count=count, total_amount=total)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Change an order's amount; NOT_FOUND outside the caller's scope.",
                         extensions=allowed("scopeplug.order", "update"))
    async def order_update(
        self, info: Info,
        input: Annotated[OrderUpdateInput, strawberry.argument(description="The order and its new amount.")],
    ) -> OrderType:
        row = await info.context.run(services.update_order, _int_id(input.id, "order"), input.amount)
        return OrderType.from_model(row)

    @strawberry.mutation(description="Rename a customer; NOT_FOUND outside the caller's scope.",
                         extensions=allowed("scopeplug.customer", "update"))
    async def customer_rename(
        self, info: Info,
        input: Annotated[CustomerRenameInput, strawberry.argument(description="The customer and its new name.")],
    ) -> CustomerType:
        row = await info.context.run(services.rename_customer, _int_id(input.id, "customer"), input.name)
        return CustomerType.from_model(row)


CONTRIBUTION = SchemaContribution(query=Query, mutation=Mutation, types=[ItemType, CustomerType, OrderType])
