"""Demo data for orders: a region tree, 50 customers (EV makers and their tier-1 suppliers), 60
sales orders in every state over eight weeks of history, and one user per role.

Stable codes other plugins' demos build on: regions ``east`` (with ``zhejiang``, ``jiangsu``,
``shanghai``), ``south``, ``north``, ``west`` and their provinces; customers by name (the first of
``rep_east``'s regions by code is the one ``examples/order_to_ship.py`` sells to); orders by their
customer reference ``DEMO-PO-0001`` … ``DEMO-PO-0060``; users ``rep_east`` [east], ``rep_south``
[south], ``rep_multi`` [east, north], ``salesmgr``, ``planner`` (passwords ``<name>-demo``).

Deterministic for a given day: dates are counted back from today (UTC), so the progress
overview always has overdue orders and the KPI always has recent figures. The state
history of each order is backdated so ``deliveryCycleTime`` shows the plant's story:
orders fully shipped 5-8 weeks ago took 18.6 days on average from confirmation to full
shipment, the last four weeks 13.2 days. Idempotent: regions, customers and users are
looked up by code/name, orders by their customer reference (``DEMO-PO-0001``...).
Products come from stock's demo (finished goods that are not serial-tracked), by code order;
before a demo shipment the goods are moved to the shipping location, and received when short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.demo import demo_user
from tenon.plugins.stock import (
    Balance,
    Product,
    available,
    confirm_shipment,
    default_stock_location,
    move_stock,
    receive,
)

from .models import Customer, SalesOrder, SalesOrderLine, SalesOrderStateChange
from .services import customers, production, regions, sales_orders, shipping

REGIONS = [
    ("east", "East China", None), ("zhejiang", "Zhejiang", "east"), ("jiangsu", "Jiangsu", "east"),
    ("shanghai", "Shanghai", "east"),
    ("south", "South China", None), ("guangdong", "Guangdong", "south"), ("fujian", "Fujian", "south"),
    ("north", "North China", None), ("beijing", "Beijing", "north"), ("tianjin", "Tianjin", "north"),
    ("west", "West China", None), ("sichuan", "Sichuan", "west"), ("chongqing", "Chongqing", "west"),
]
LEAVES = ["zhejiang", "jiangsu", "shanghai", "guangdong", "fujian", "beijing", "tianjin", "sichuan", "chongqing",
          "east", "south"]
CITIES = {
    "zhejiang": ["Ningbo", "Hangzhou", "Taizhou", "Wenzhou", "Jiaxing"],
    "jiangsu": ["Suzhou", "Wuxi", "Changzhou", "Nanjing", "Yangzhou"],
    "shanghai": ["Jiading", "Anting", "Songjiang", "Pudong"],
    "guangdong": ["Foshan", "Guangzhou", "Dongguan", "Shenzhen", "Zhaoqing"],
    "fujian": ["Xiamen", "Fuzhou", "Quanzhou"],
    "beijing": ["Shunyi", "Yizhuang", "Daxing"],
    "tianjin": ["Binhai", "Xiqing", "Wuqing"],
    "sichuan": ["Chengdu", "Mianyang", "Deyang"],
    "chongqing": ["Liangjiang", "Yubei", "Fuling"],
    "east": ["Hefei", "Wuhu"],
    "south": ["Nanning", "Liuzhou"],
}
TRADES = ["New Energy Vehicles", "E-Drive Systems", "Motor Works", "Power Electronics", "Auto Parts",
          "Battery Systems"]
REPS = {"east": "rep_east", "south": "rep_south"}

# Cycle days (confirmation → full shipment) of the 26 fully shipped demo orders.
OLDER_CYCLES = [17.0, 19.5, 18.0, 21.0, 16.5, 20.0, 18.5, 18.3, 19.0, 17.5, 18.8, 19.2, 18.5]  # mean 18.6
RECENT_CYCLES = [12.5, 14.0, 13.0, 11.5, 15.0, 12.8, 13.6, 14.2, 12.0, 13.9, 12.4, 13.3, 13.4]  # mean 13.2
# How many demo orders end in each state (60 in all).
PLAN = [("done", 16), ("shipped", 10), ("partially_shipped", 6), ("ready", 4), ("in_production", 5),
        ("confirmed", 8), ("draft", 6), ("cancelled", 5)]


def load_demo(session: Session, progress: Callable[[str], None]) -> None:
    today = utcnow().date()
    progress("regions")
    for code, name, parent in REGIONS:
        regions.ensure_region(session, code=code, name=name, parent_code=parent)
    progress("users: rep_east (east), rep_south (south), rep_multi (east+north), salesmgr, planner")
    demo_user(session, "rep_east", roles=["sales_rep"], display_name="Lin Wei (East China)",
              attributes={"regions": ["east"]})
    demo_user(session, "rep_south", roles=["sales_rep"], display_name="Chen Jing (South China)",
              attributes={"regions": ["south"]})
    demo_user(session, "rep_multi", roles=["sales_rep"], display_name="Zhao Min (East + North)",
              attributes={"regions": ["east", "north"]})
    demo_user(session, "salesmgr", roles=["sales_manager"], display_name="Wang Fang (Sales manager)")
    demo_user(session, "planner", roles=["planner"], display_name="Liu Yang (Planner)")
    customers = _customers(session, progress)
    products = list(session.scalars(select(Product).where(Product.kind == "finished", Product.tracking != "serial",
                                                          Product.active.is_(True)).order_by(Product.code)))
    if not products:
        progress("no finished products (stock's demo did not run): no sales orders created")
        return
    _orders(session, progress, today, customers, products)


def _customers(session: Session, progress: Callable[[str], None]) -> list[Customer]:
    progress("customers (50)")
    out = []
    for i in range(50):
        region = LEAVES[i % len(LEAVES)]
        cities = CITIES[region]
        name = f"{cities[(i // len(LEAVES)) % len(cities)]} {TRADES[i % len(TRADES)]}"
        customer = session.scalar(select(Customer).where(Customer.name == name))
        if customer is None:
            customer = customers.create_customer(
                session, name=name, region_code=region,
                contacts=[{"name": f"Purchasing {i + 1:02d}", "role": "purchasing", "phone": f"+86 571 8800 {i:04d}",
                           "email": f"purchasing{i + 1:02d}@example.com"}],
                credit_limit=Decimal(500000) if i % 5 == 0 else None,
                payment_terms="60 days net" if i % 2 else "30 days net", notes="demo customer")
        out.append(customer)
    return out


def _orders(session: Session, progress: Callable[[str], None], today: dt.date, customers: list[Customer],
            products: list[Product]) -> None:
    states = [state for state, n in PLAN for _ in range(n)]
    # alternate older and recent cycles so both done and shipped orders have some of each
    cycles = iter([pair for o, r in zip(OLDER_CYCLES, RECENT_CYCLES, strict=True) for pair in ((o, True), (r, False))])
    made = 0
    for i, state in enumerate(states):
        ref = f"DEMO-PO-{i + 1:04d}"
        if session.scalar(select(SalesOrder.id).where(SalesOrder.customer_reference == ref)) is not None:
            if state in ("done", "shipped"):
                next(cycles)
            continue
        customer = customers[(i * 7) % len(customers)]
        lines = [{"product_id": products[(i * 3 + k) % len(products)].id,
                  "quantity": Decimal(20 * (1 + (i + k) % 5)),
                  "unit_price": Decimal(120 + 40 * ((i + 2 * k) % 7))} for k in range(1 + i % 3)]
        shipped_at = None
        if state in ("done", "shipped"):
            cycle, older = next(cycles)
            # older: fully shipped 30-55 days ago; recent: 3-27 days ago (the last four weeks)
            shipped_ago = 30 + (i * 2) % 26 if older else 3 + (i * 2) % 25
            shipped_at = _at(today - dt.timedelta(days=shipped_ago), 15)
            confirmed_at = shipped_at - dt.timedelta(days=cycle)
        elif state == "draft":
            confirmed_at = _at(today - dt.timedelta(days=i % 5), 10)
        else:  # old enough for production and partial shipment steps to lie in the past
            confirmed_at = _at(today - dt.timedelta(days=8 + (i * 11) % 34), 10)
        created_at = confirmed_at - dt.timedelta(days=1, hours=2)
        order_date = created_at.date()
        lead = 14 + (i % 4) * 7
        requested = order_date + dt.timedelta(days=lead)
        order = sales_orders.create_sales_order(
            session, customer_id=customer.id, lines=lines, order_date=order_date, requested_date=requested,
            priority=("normal", "high", "normal", "urgent", "low")[i % 5], customer_reference=ref)
        _drive(session, order, state)
        _backdate(session, order, created_at, confirmed_at, shipped_at, customer.region_code)
        made += 1
    progress(f"sales orders: {made} created, {len(states) - made} already there")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _stage(session: Session, product: Product, quantity: Decimal, ref: str) -> None:
    """Bring ``quantity`` of a product to the shipping (default stock) location: move it from
    the other internal locations (lots first-in first-out), and receive what is still missing."""
    dispatch = default_stock_location(session)
    need = quantity - available(session, product.id, location_id=dispatch.id)
    if need <= 0:
        return
    rows = session.execute(
        select(Balance.location_id, Balance.lot_id, Balance.quantity - Balance.reserved)
        .where(Balance.product_id == product.id, Balance.internal.is_(True), Balance.location_id != dispatch.id,
               Balance.quantity - Balance.reserved > 0)
        .order_by(Balance.location_id, Balance.lot_id)).all()
    for location_id, lot_id, free in rows:
        take = min(Decimal(free), need)
        move_stock(session, product_id=product.id, quantity=take, from_location_id=location_id,
                   to_location_id=dispatch.id, lot_id=lot_id, reference=f"staging for {ref}")
        need -= take
        if need <= 0:
            return
    receive(session, product_id=product.id, quantity=need, location_id=dispatch.id, reference="demo replenishment",
            lot=f"DEMO-{ref}" if product.tracking != "none" else None)


def _ship(session: Session, order: SalesOrder, half: bool = False) -> None:
    lines = sales_orders.order_lines(session, order.id)
    wanted = [{"line_id": ln.id, "quantity": (ln.quantity / 2 if half else ln.quantity - ln.shipped_quantity)}
              for ln in (lines[:1] if half else lines)]
    for w, ln in zip(wanted, lines, strict=False):
        product = session.scalars(select(Product).where(Product.id == ln.product_id)).one()
        _stage(session, product, w["quantity"], order.customer_reference)
    shipment = shipping.ship_sales_order(session, order.id, wanted)
    confirm_shipment(session, shipment.id)


def _drive(session: Session, order: SalesOrder, state: str) -> None:
    if state == "draft":
        return
    if state == "cancelled":
        sales_orders.cancel_sales_order(session, order.id, reason="customer withdrew the enquiry")
        return
    if order.state == "draft":
        sales_orders.confirm_sales_order(session, order.id)
    if state in ("in_production", "ready") and order.state == "confirmed":
        production.mark_in_production(session, order.id)
    if state in ("in_production", "ready"):
        for k, line in enumerate(sales_orders.order_lines(session, order.id)):
            part = line.quantity if state == "ready" else (line.quantity / 2 if k == 0 else Decimal(0))
            if part:
                production.record_produced(session, line.id, part)
    if state == "partially_shipped":
        _ship(session, order, half=True)
    if state in ("shipped", "done"):
        _ship(session, order)
    if state == "done":
        sales_orders.close_sales_order(session, order.id)


def _backdate(session: Session, order: SalesOrder, created_at: dt.datetime, confirmed_at: dt.datetime,
              shipped_at: dt.datetime | None, region_code: str) -> None:
    """Move the order's recorded state changes into the past, in their original order."""
    rep = next((u for top, u in REPS.items() if region_code == top or _under(session, region_code, top)), "salesmgr")
    times = {
        "draft": (created_at, rep),
        "confirmed": (confirmed_at, rep),
        "in_production": (confirmed_at + dt.timedelta(days=1), "planner"),
        "ready": (confirmed_at + dt.timedelta(days=6), "planner"),
        "partially_shipped": (confirmed_at + dt.timedelta(days=4, hours=5), "clerk"),
        "shipped": (shipped_at, "clerk"),
        "done": ((shipped_at or confirmed_at) + dt.timedelta(days=2), rep),
        "cancelled": (confirmed_at + dt.timedelta(hours=3), rep),
    }
    for row in session.scalars(select(SalesOrderStateChange).where(SalesOrderStateChange.order_id == order.id)):
        at, actor = times[row.to_state]
        if at is not None:
            row.at, row.actor = at, actor
    order.created_at = created_at
    for line in session.scalars(select(SalesOrderLine).where(SalesOrderLine.order_id == order.id)):
        line.created_at = created_at
    session.flush()


def _under(session: Session, code: str, top: str) -> bool:
    return code in set(session.scalars(regions.covered_region_codes([top])))
