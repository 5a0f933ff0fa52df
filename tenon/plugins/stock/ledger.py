"""The ledger: moves, balances and reservations.

Every quantity change is a :class:`~.models.Move` between two locations, and
each done move changes two :class:`~.models.Balance` rows in the same
transaction, so per product the balances over all locations sum to zero.

Concurrency: balances are never read, checked and written back. A decrement of
an internal location is one conditional statement::

    UPDATE stock_balance SET quantity = quantity - :q
     WHERE product_id = :p AND location_id = :l AND lot_key = :k
       AND quantity - reserved >= :q

and a rowcount of 0 means "not enough available": ``INSUFFICIENT_STOCK``. On
PostgreSQL the row lock makes a concurrent writer wait and re-check the
condition against the committed row; SQLite serializes writers anyway. Increments
are an ``INSERT ... ON CONFLICT DO UPDATE`` upsert. Arithmetic is rounded to the
4 decimals of :data:`tenon.core.db.Quantity`, so SQLite's binary floats never
leave a ``-0.00000001`` behind. A database check constraint
(``NOT internal OR quantity >= reserved >= 0``) backs all of it up.

When a failure is raised half-way (a later line short of stock), earlier
statements of the same unit of work are undone by its rollback: the GraphQL
operation, or ``app.transaction()``, rolls back on any error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from tenon.core.db import Quantity, current_actor, utcnow
from tenon.core.errors import InvalidState, NotFound, ValidationError

from .errors import InsufficientStock
from .models import Balance, Location, Lot, Move, Product, Reservation, Warehouse

SCALE = Decimal("0.0001")
ZERO = Decimal(0)


# --------------------------------------------------------------------------- values


def qty(value: Any, field: str = "quantity", *, positive: bool = True, allow_zero: bool = False) -> Decimal:
    """A quantity as a Decimal with 4 decimals; ``VALIDATION`` on ``field`` when invalid."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(f"{field} must be a number", field=field) from None
    if not d.is_finite():
        raise ValidationError(f"{field} must be a finite number", field=field)
    if d != d.quantize(SCALE, rounding=ROUND_HALF_UP):
        raise ValidationError(f"{field} has more than 4 decimals", field=field)
    d = d.quantize(SCALE)
    if positive and (d < 0 or (d == 0 and not allow_zero)):
        raise ValidationError(f"{field} must be greater than zero", field=field)
    return d


def dec(value: Any) -> Decimal:
    """A database value (a float on SQLite) back to a 4-decimal Decimal."""
    if value is None:
        return ZERO.quantize(SCALE)
    return Decimal(str(value)).quantize(SCALE, rounding=ROUND_HALF_UP)


def _r(expr: Any) -> Any:
    return func.round(expr, 4)


def _actor_name(session: Session) -> str | None:
    actor = current_actor(session)
    return actor.username if actor is not None else None


# --------------------------------------------------------------------------- lookups


def get_product(session: Session, product_id: int, field: str = "product_id") -> Product:
    product = session.get(Product, int(product_id))
    if product is None:
        raise NotFound(f"product {product_id} not found", field=field)
    return product


def prefetch_products(session: Session, product_ids: Iterable[Any]) -> None:
    """Load the products of ``product_ids`` the session does not hold yet in one SELECT, so the
    per-line :func:`get_product` calls that follow are answered from the identity map (a document
    of n lines: 1 statement instead of n). Ids that are not integers are left to ``get_product``,
    which reports them on their line."""
    wanted: set[int] = set()
    for pid in product_ids:
        try:
            wanted.add(int(pid))
        except (TypeError, ValueError):
            continue
    missing = [i for i in sorted(wanted) if session.identity_map.get(identity_key(Product, i)) is None]
    if len(missing) > 1:
        # the identity map holds objects weakly: keep them for the unit of work
        session.info.setdefault("stock.prefetched", []).extend(
            session.scalars(select(Product).where(Product.id.in_(missing))).all())


def get_location(session: Session, location_id: int, field: str = "location_id") -> Location:
    loc = session.get(Location, int(location_id))
    if loc is None:
        raise NotFound(f"location {location_id} not found", field=field)
    return loc


def get_lot(session: Session, lot_id: int, field: str = "lot_id") -> Lot:
    lot = session.get(Lot, int(lot_id))
    if lot is None:
        raise NotFound(f"lot {lot_id} not found", field=field)
    return lot


def location_kind(session: Session, location_id: int) -> str:
    return location_kinds(session, location_id)[0]


def location_kinds(session: Session, *location_ids: int) -> tuple[str, ...]:
    """The kinds of ``location_ids`` (cached for the unit of work; the uncached ones in one SELECT)."""
    cache: dict[int, str] = session.info.setdefault("stock.location_kind", {})
    missing = {i for i in location_ids if i not in cache}
    if missing:
        cache.update({i: k for i, k in session.execute(select(Location.id, Location.kind).where(Location.id.in_(missing)))})
    for i in location_ids:
        if i not in cache:
            raise NotFound(f"location {i} not found", field="location_id")
    return tuple(cache[i] for i in location_ids)


def default_warehouse(session: Session) -> Warehouse:
    wh = session.scalar(select(Warehouse).where(Warehouse.active.is_(True))
                        .order_by(Warehouse.is_default.desc(), Warehouse.id).limit(1))
    if wh is None:
        raise NotFound("no warehouse is defined")
    return wh


def default_stock_location(session: Session, warehouse_id: int | None = None) -> Location:
    """The default internal location of ``warehouse_id`` (default: the default warehouse)."""
    cache = session.info.setdefault("stock.default_location", {})
    key = warehouse_id or 0
    if key in cache:
        loc = session.get(Location, cache[key])
        if loc is not None:
            return loc
    wh_id = warehouse_id or default_warehouse(session).id
    loc = session.scalar(
        select(Location)
        .where(Location.warehouse_id == wh_id, Location.kind == "internal", Location.active.is_(True))
        .order_by(Location.is_default.desc(), Location.id).limit(1)
    )
    if loc is None:
        raise NotFound(f"warehouse {wh_id} has no internal location")
    cache[key] = loc.id
    return loc


def virtual_location(session: Session, kind: str) -> Location:
    """The first active location of a virtual ``kind`` (``supplier``, ``customer``, ...)."""
    cache = session.info.setdefault("stock.virtual_location", {})
    if kind in cache:
        loc = session.get(Location, cache[kind])
        if loc is not None:
            return loc
    loc = session.scalar(select(Location).where(Location.kind == kind, Location.active.is_(True))
                         .order_by(Location.id).limit(1))
    if loc is None:
        raise NotFound(f"no {kind} location is defined")
    cache[kind] = loc.id
    return loc


# --------------------------------------------------------------------------- balances


# Hot-path statements are built once, with bind parameters (statement construction is most of
# the Python cost of a lookup or a move).
_P, _L, _K = bindparam("p"), bindparam("l"), bindparam("k")
_Q, _R = bindparam("q", type_=Quantity), bindparam("r", type_=Quantity)
_ON_HAND_AT = select(func.coalesce(func.sum(Balance.quantity), 0)).where(Balance.product_id == _P, Balance.location_id == _L)
_ON_HAND = select(func.coalesce(func.sum(Balance.quantity), 0)).where(Balance.product_id == _P, Balance.internal.is_(True))
_RESERVED_AT = select(func.coalesce(func.sum(Balance.reserved), 0)).where(Balance.product_id == _P, Balance.location_id == _L)
_RESERVED = select(func.coalesce(func.sum(Balance.reserved), 0)).where(Balance.product_id == _P, Balance.internal.is_(True))
_AVAILABLE_AT = select(func.coalesce(func.sum(Balance.quantity - Balance.reserved), 0)).where(
    Balance.product_id == _P, Balance.location_id == _L)
_AVAILABLE = select(func.coalesce(func.sum(Balance.quantity - Balance.reserved), 0)).where(
    Balance.product_id == _P, Balance.internal.is_(True))


def on_hand(session: Session, product_id: int, location_id: int | None = None) -> Decimal:
    """On-hand quantity of a product at one location, or over all internal locations.

    One indexed lookup on ``stock_balance`` (unique key product, location, lot),
    whatever the size of the ledger.
    """
    if location_id:
        return dec(session.scalar(_ON_HAND_AT, {"p": product_id, "l": location_id}))
    return dec(session.scalar(_ON_HAND, {"p": product_id}))


def reserved(session: Session, product_id: int, location_id: int | None = None) -> Decimal:
    if location_id:
        return dec(session.scalar(_RESERVED_AT, {"p": product_id, "l": location_id}))
    return dec(session.scalar(_RESERVED, {"p": product_id}))


def available(session: Session, product_id: int, location_id: int | None = None) -> Decimal:
    """On hand minus reserved, at one location or over all internal locations."""
    if location_id:
        return dec(session.scalar(_AVAILABLE_AT, {"p": product_id, "l": location_id}))
    return dec(session.scalar(_AVAILABLE, {"p": product_id}))


def levels_for(session: Session, product_ids: Sequence[int], location_id: int | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """``{product_id: (on_hand, reserved)}`` for many products in one query."""
    stmt = (select(Balance.product_id, func.sum(Balance.quantity), func.sum(Balance.reserved))
            .where(Balance.product_id.in_(list(product_ids))).group_by(Balance.product_id))
    stmt = stmt.where(Balance.location_id == location_id) if location_id else stmt.where(Balance.internal.is_(True))
    out = {pid: (dec(0), dec(0)) for pid in product_ids}
    for pid, q, r in session.execute(stmt):
        out[pid] = (dec(q), dec(r))
    return out


_UPSERT: dict[str, Any] = {}


def _upsert_stmt(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    stmt = _UPSERT.get(dialect)
    if stmt is None:
        ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Balance).values(
            product_id=_P, location_id=_L, lot_id=bindparam("lot"), lot_key=_K, internal=bindparam("internal"),
            quantity=_Q, reserved=ZERO,
        )
        stmt = _UPSERT[dialect] = ins.on_conflict_do_update(
            index_elements=[Balance.product_id, Balance.location_id, Balance.lot_key],
            set_={"quantity": _r(Balance.quantity + ins.excluded.quantity)},
        )
    return stmt


def _add_params(product_id: int, location_id: int, lot_id: int | None, delta: Decimal,
                internal: bool) -> dict[str, Any]:
    """The parameters of :func:`_upsert_stmt` for one balance."""
    return {"p": product_id, "l": location_id, "lot": lot_id, "k": lot_id or 0, "internal": internal, "q": delta}


def _add(session: Session, product_id: int, location_id: int, lot_id: int | None, delta: Decimal,
         internal: bool) -> None:
    """Upsert ``quantity += delta`` (used for increments, and for virtual locations either way)."""
    session.execute(_upsert_stmt(session), _add_params(product_id, location_id, lot_id, delta, internal))


def _key(product_id: int, location_id: int, lot_id: int | None) -> list[Any]:
    return [Balance.product_id == product_id, Balance.location_id == location_id, Balance.lot_key == (lot_id or 0)]


_KEY = (Balance.product_id == _P, Balance.location_id == _L, Balance.lot_key == _K)
_TAKE = (
    update(Balance)
    .where(*_KEY, _r(Balance.quantity - Balance.reserved + _R - _Q) >= 0, Balance.reserved >= _R)
    .values(quantity=_r(Balance.quantity - _Q), reserved=_r(Balance.reserved - _R))
    .execution_options(synchronize_session=False)
)
_HOLD = (
    update(Balance)
    .where(*_KEY, Balance.internal.is_(True), _r(Balance.quantity - Balance.reserved - _Q) >= 0)
    .values(reserved=_r(Balance.reserved + _Q))
    .execution_options(synchronize_session=False)
)
_UNHOLD = (
    update(Balance)
    .where(*_KEY, Balance.reserved >= _Q)
    .values(reserved=_r(Balance.reserved - _Q))
    .execution_options(synchronize_session=False)
)


def _take(session: Session, product_id: int, location_id: int, lot_id: int | None, q: Decimal,
          release: Decimal = ZERO) -> bool:
    """Atomically take ``q`` out of an internal balance, consuming ``release`` of its reservations.

    One conditional ``UPDATE``: True when the row had enough available; False (nothing changed) otherwise.
    """
    params = {"p": product_id, "l": location_id, "k": lot_id or 0, "q": q, "r": release}
    return session.execute(_TAKE, params).rowcount == 1


def _hold(session: Session, product_id: int, location_id: int, lot_id: int | None, q: Decimal) -> bool:
    """Atomically add ``q`` to a balance's reserved total when that much is available."""
    return session.execute(_HOLD, {"p": product_id, "l": location_id, "k": lot_id or 0, "q": q}).rowcount == 1


def _unhold(session: Session, product_id: int, location_id: int, lot_id: int | None, q: Decimal) -> None:
    if session.execute(_UNHOLD, {"p": product_id, "l": location_id, "k": lot_id or 0, "q": q}).rowcount != 1:
        raise InvalidState("the reservation is not covered by its balance; run `tenon stock check`")


def _available_of(session: Session, product_id: int, location_id: int, lot_id: int | None) -> Decimal:
    return dec(session.scalar(select(Balance.quantity - Balance.reserved).where(*_key(product_id, location_id, lot_id))))


def _short(session: Session, product: Product, location_id: int, wanted: Decimal, field: str) -> InsufficientStock:
    have = available(session, product.id, location_id)
    code = session.scalar(select(Location.code).where(Location.id == location_id))
    return InsufficientStock(
        f"not enough {product.code} at {code}: {wanted.normalize():f} wanted, {have.normalize():f} available",
        field=field,
        details={"product_id": product.id, "location_id": location_id, "wanted": str(wanted), "available": str(have)},
    )


def _allocate(session: Session, product: Product, location_id: int, quantity: Decimal, lot_id: int | None,
              grab: Any, field: str) -> list[tuple[int | None, Decimal]]:
    """Take ``quantity`` from an internal location with ``grab(lot_id, q) -> bool``.

    Untracked products and explicit lots use one balance row. Tracked products
    without a lot take from their lots first-in first-out (lowest lot id first).
    """
    if lot_id is not None or product.tracking == "none":
        if not grab(lot_id, quantity):
            raise _short(session, product, location_id, quantity, field)
        return [(lot_id, quantity)]
    remaining = quantity
    out: list[tuple[int | None, Decimal]] = []
    rows = session.execute(
        select(Balance.lot_id, Balance.quantity - Balance.reserved)
        .where(Balance.product_id == product.id, Balance.location_id == location_id, Balance.lot_key > 0,
               Balance.quantity - Balance.reserved > 0)
        .order_by(Balance.lot_id)
    ).all()
    for lid, avail in rows:
        avail = dec(avail)
        for _attempt in range(3):  # a concurrent writer may have taken some meanwhile
            if remaining <= 0 or avail <= 0:
                break
            take = min(avail, remaining)
            if product.tracking == "serial":
                take = min(take, Decimal(1))
            if grab(lid, take):
                out.append((lid, take))
                remaining -= take
                break
            avail = _available_of(session, product.id, location_id, lid)
        if remaining <= 0:
            break
    if remaining > 0:
        raise _short(session, product, location_id, quantity, field)
    return out


# --------------------------------------------------------------------------- moves


def _check_move(session: Session, product: Product, quantity: Decimal, from_id: int, to_id: int,
                lot_id: int | None, field: str) -> tuple[str, str]:
    if from_id == to_id:
        raise ValidationError("a move needs two different locations", field=f"{field}toLocationId")
    kinds = location_kinds(session, from_id, to_id)
    for k, name in zip(kinds, ("fromLocationId", "toLocationId"), strict=True):
        if k == "view":
            raise ValidationError("stock cannot be moved into or out of a view location", field=f"{field}{name}")
    if lot_id is not None:
        lot = get_lot(session, lot_id, field=f"{field}lotId")
        if lot.product_id != product.id:
            raise ValidationError(f"lot {lot.code} belongs to another product", field=f"{field}lotId")
    elif product.tracking != "none" and kinds[0] != "internal":
        raise ValidationError(f"{product.code} is tracked by {product.tracking}: give a lot", field=f"{field}lot")
    if product.tracking == "serial" and lot_id is not None and quantity != 1:
        raise ValidationError("a serial number moves one unit at a time", field=f"{field}quantity")
    return kinds


def _receive_into(session: Session, move: Move, internal_to: bool) -> None:
    _add(session, move.product_id, move.to_location_id, move.lot_id, move.quantity, internal_to)


def _serial_free(session: Session, product: Product, lot_id: int | None, kinds: tuple[str, str], field: str) -> None:
    """A serial number is on hand in at most one internal place at a time."""
    if product.tracking != "serial" or lot_id is None or kinds[0] == "internal" or kinds[1] != "internal":
        return
    held = dec(session.scalar(select(func.coalesce(func.sum(Balance.quantity), 0))
                              .where(Balance.lot_id == lot_id, Balance.internal.is_(True))))
    if held > 0:
        raise ValidationError("this serial number is already in stock", field=f"{field}lot")


def _checked(session: Session, product_id: int, quantity: Any, from_location_id: int, to_location_id: int,
             lot_id: int | None, field: str) -> tuple[Decimal, Product, tuple[str, str]]:
    """A move's quantity, product and the two locations' kinds, checked (see :func:`move_stock`)."""
    q = qty(quantity, f"{field}quantity")
    product = get_product(session, product_id, f"{field}productId")
    kinds = _check_move(session, product, q, from_location_id, to_location_id, lot_id, field)
    _serial_free(session, product, lot_id, kinds, field)
    return q, product, kinds


def move_stock(
    session: Session,
    *,
    product_id: int,
    quantity: Any,
    from_location_id: int,
    to_location_id: int,
    lot_id: int | None = None,
    origin_type: str | None = None,
    origin_id: int | None = None,
    origin_line_id: int | None = None,
    reference: str = "",
    state: str = "done",
    field: str = "",
) -> list[Move]:
    """Post (``state="done"``) or reserve (``state="reserved"``) stock moves.

    A tracked product taken from an internal location without a lot is split
    over its lots first-in first-out, so one call can return several moves.

    :raises InsufficientStock: an internal source lacks available stock (nothing
        is kept: the unit of work rolls back).
    :raises ValidationError: bad quantity, same locations, a view location, a
        missing lot of a tracked product.
    """
    if state not in ("done", "reserved"):
        raise ValidationError("state must be done or reserved", field=f"{field}state")
    if state == "reserved":
        return reserve_stock(session, [{
            "product_id": product_id, "quantity": quantity, "from_location_id": from_location_id,
            "to_location_id": to_location_id, "lot_id": lot_id, "origin_type": origin_type, "origin_id": origin_id,
            "origin_line_id": origin_line_id, "reference": reference, "field": field}])[0]
    q, product, kinds = _checked(session, product_id, quantity, from_location_id, to_location_id, lot_id, field)
    from_internal, to_internal = kinds[0] == "internal", kinds[1] == "internal"
    if from_internal:
        parts = _allocate(session, product, from_location_id, q, lot_id,
                          lambda lid, x: _take(session, product.id, from_location_id, lid, x), f"{field}quantity")
    else:
        parts = [(lot_id, q)]
        _add(session, product.id, from_location_id, lot_id, -q, False)

    now, actor = utcnow(), _actor_name(session)
    moves = []
    for lid, part in parts:
        m = Move(product_id=product.id, quantity=part, from_location_id=from_location_id,
                 to_location_id=to_location_id, lot_id=lid, state=state, origin_type=origin_type,
                 origin_id=origin_id, origin_line_id=origin_line_id, reference=reference or "")
        m.done_at, m.done_by = now, actor
        session.add(m)
        moves.append(m)
    session.flush()
    for m in moves:
        _receive_into(session, m, to_internal)
    session.flush()
    return moves


def reserve_stock(session: Session, lines: Sequence[Mapping[str, Any]]) -> list[list[Move]]:
    """Reserve the stock of several lines (a document's) at once: ``move_stock(..., state="reserved")``
    for each, with every line's stock held first, then all their moves written in one flush and
    all their reservations in another (one INSERT each on PostgreSQL, whatever the line count).

    Each line is a mapping of :func:`move_stock`'s keyword arguments (``product_id``, ``quantity``,
    ``from_location_id``, ``to_location_id``, optional ``lot_id``, ``origin_type``, ``origin_id``,
    ``origin_line_id``, ``reference``, ``field``); returns each line's moves, in order.

    :raises InsufficientStock: a line's source lacks available stock (the unit rolls back).
    """
    planned: list[list[Move]] = []
    for line in lines:
        field = line.get("field", "")
        src, dst, lot_id = line["from_location_id"], line["to_location_id"], line.get("lot_id")
        q, product, kinds = _checked(session, line["product_id"], line["quantity"], src, dst, lot_id, field)
        if kinds[0] != "internal":
            raise ValidationError("only stock in an internal location can be reserved", field=f"{field}fromLocationId")
        parts = _allocate(session, product, src, q, lot_id,
                          lambda lid, x, p=product.id, loc=src: _hold(session, p, loc, lid, x), f"{field}quantity")
        planned.append([Move(product_id=product.id, quantity=part, from_location_id=src, to_location_id=dst,
                             lot_id=lid, state="reserved", origin_type=line.get("origin_type"),
                             origin_id=line.get("origin_id"), origin_line_id=line.get("origin_line_id"),
                             reference=line.get("reference") or "") for lid, part in parts])
    session.add_all([m for moves in planned for m in moves])
    session.flush()
    session.add_all([Reservation(product_id=m.product_id, location_id=m.from_location_id, lot_id=m.lot_id,
                                 lot_key=m.lot_id or 0, quantity=m.quantity, state="active",
                                 origin_type=m.origin_type, origin_id=m.origin_id, move_id=m.id)
                     for moves in planned for m in moves])
    session.flush()
    return planned


def complete_moves(session: Session, moves: Iterable[Move]) -> list[Move]:
    """Post reserved moves: consume their reservations and move the stock (state ``done``)."""
    now, actor = utcnow(), _actor_name(session)
    moves = list(moves)
    if not moves:
        return moves
    res_by_move = {r.move_id: r for r in session.scalars(
        select(Reservation).where(Reservation.move_id.in_([m.id for m in moves]), Reservation.state == "active"))}
    for m in moves:
        if m.state != "reserved":
            raise InvalidState(f"move {m.id} is {m.state}, not reserved")
    # the balances first (their statements would flush each move's change one by one), then every
    # move and reservation in one flush: one UPDATE per table for all of them (an executemany).
    # When no move receives where another one takes from, the receiving balances are upserted
    # after all the takes, in one executemany too.
    batch = not ({m.to_location_id for m in moves} & {m.from_location_id for m in moves})
    received: list[dict[str, Any]] = []
    for m in moves:
        res = res_by_move.get(m.id)
        release = res.quantity if res is not None else ZERO
        if not _take(session, m.product_id, m.from_location_id, m.lot_id, m.quantity, release):
            product = get_product(session, m.product_id)
            raise _short(session, product, m.from_location_id, m.quantity, "quantity")
        internal_to = location_kind(session, m.to_location_id) == "internal"
        if batch:
            received.append(_add_params(m.product_id, m.to_location_id, m.lot_id, m.quantity, internal_to))
        else:
            _receive_into(session, m, internal_to)
    if received:
        session.execute(_upsert_stmt(session), received)
    for m in moves:
        res = res_by_move.get(m.id)
        if res is not None:
            res.state = "consumed"
        m.state, m.done_at, m.done_by = "done", now, actor
    session.flush()
    return moves


def cancel_moves(session: Session, moves: Iterable[Move]) -> None:
    """Cancel draft or reserved moves, releasing their reservations. Done moves are never changed."""
    moves = list(moves)
    res_by_move = {r.move_id: r for r in session.scalars(
        select(Reservation).where(Reservation.move_id.in_([m.id for m in moves] or [0]), Reservation.state == "active"))}
    for m in moves:
        if m.state == "done":
            raise InvalidState(f"move {m.id} is done; post a correcting move instead")
        res = res_by_move.get(m.id)
        if res is not None:
            _unhold(session, res.product_id, res.location_id, res.lot_id, res.quantity)
            res.state = "released"
        m.state = "cancelled"
    session.flush()


# --------------------------------------------------------------------------- reservations


def reserve(session: Session, *, product_id: int, quantity: Any, origin_type: str, origin_id: int,
            location_id: int | None = None, lot_id: int | None = None) -> list[Reservation]:
    """Reserve available stock for a document (without a move). Tracked products are
    reserved lot by lot, first-in first-out. ``INSUFFICIENT_STOCK`` when short."""
    q = qty(quantity)
    product = get_product(session, product_id)
    loc_id = location_id or default_stock_location(session).id
    if location_kind(session, loc_id) != "internal":
        raise ValidationError("only stock in an internal location can be reserved", field="locationId")
    parts = _allocate(session, product, loc_id, q, lot_id,
                      lambda lid, x: _hold(session, product.id, loc_id, lid, x), "quantity")
    out = []
    for lid, part in parts:
        r = Reservation(product_id=product.id, location_id=loc_id, lot_id=lid, lot_key=lid or 0, quantity=part,
                        state="active", origin_type=origin_type, origin_id=origin_id)
        session.add(r)
        out.append(r)
    session.flush()
    return out


def release_reservations(session: Session, reservation_ids: Sequence[int]) -> int:
    """Release active reservations (not those held by a move: cancel the move). Returns the count."""
    count = 0
    for r in session.scalars(select(Reservation).where(Reservation.id.in_(list(reservation_ids)))):
        if r.state != "active":
            continue
        if r.move_id is not None:
            raise InvalidState(f"reservation {r.id} belongs to move {r.move_id}; cancel its document instead")
        _unhold(session, r.product_id, r.location_id, r.lot_id, r.quantity)
        r.state = "released"
        count += 1
    session.flush()
    return count


def release_for_origin(session: Session, origin_type: str, origin_id: int) -> int:
    ids = session.scalars(select(Reservation.id).where(
        Reservation.origin_type == origin_type, Reservation.origin_id == origin_id,
        Reservation.state == "active", Reservation.move_id.is_(None))).all()
    return release_reservations(session, ids)


# --------------------------------------------------------------------------- check


def check_balances(session: Session) -> list[dict[str, Any]]:
    """Recompute every balance from the done moves and the active reservations.

    :returns: one dict per difference (``kind``: ``quantity``, ``reserved``,
        ``negative``, ``sum``), empty when the ledger and the balances agree.
    """
    expected: dict[tuple[int, int, int], Decimal] = {}
    for pid, frm, to, lot, total in session.execute(
        select(Move.product_id, Move.from_location_id, Move.to_location_id, Move.lot_id, func.sum(Move.quantity))
        .where(Move.state == "done").group_by(Move.product_id, Move.from_location_id, Move.to_location_id, Move.lot_id)
    ):
        t = dec(total)
        k_from, k_to = (pid, frm, lot or 0), (pid, to, lot or 0)
        expected[k_from] = expected.get(k_from, ZERO) - t
        expected[k_to] = expected.get(k_to, ZERO) + t
    held: dict[tuple[int, int, int], Decimal] = {}
    for pid, loc, lk, total in session.execute(
        select(Reservation.product_id, Reservation.location_id, Reservation.lot_key, func.sum(Reservation.quantity))
        .where(Reservation.state == "active").group_by(Reservation.product_id, Reservation.location_id, Reservation.lot_key)
    ):
        held[(pid, loc, lk)] = dec(total)
    actual: dict[tuple[int, int, int], tuple[Decimal, Decimal, bool]] = {}
    for b in session.execute(select(Balance.product_id, Balance.location_id, Balance.lot_key, Balance.quantity,
                                    Balance.reserved, Balance.internal)):
        actual[(b[0], b[1], b[2])] = (dec(b[3]), dec(b[4]), bool(b[5]))
    problems: list[dict[str, Any]] = []
    for key in sorted(set(expected) | set(actual) | set(held)):
        want_q = expected.get(key, ZERO)
        have_q, have_r, internal = actual.get(key, (ZERO, ZERO, False))
        want_r = held.get(key, ZERO)
        base = {"product_id": key[0], "location_id": key[1], "lot_id": key[2] or None}
        if want_q != have_q:
            problems.append({**base, "kind": "quantity", "ledger": str(want_q), "balance": str(have_q)})
        if want_r != have_r:
            problems.append({**base, "kind": "reserved", "reservations": str(want_r), "balance": str(have_r)})
        if internal and (have_q < 0 or have_r > have_q):
            problems.append({**base, "kind": "negative", "quantity": str(have_q), "reserved": str(have_r)})
    sums: dict[int, Decimal] = {}
    for (pid, _loc, _lk), (q, _r2, _i) in actual.items():
        sums[pid] = sums.get(pid, ZERO) + q
    for pid, total in sorted(sums.items()):
        if total != 0:
            problems.append({"product_id": pid, "location_id": None, "lot_id": None, "kind": "sum", "total": str(total)})
    return problems
