"""Bills of materials (multi-level, versioned, one active per product) and their explosion.

Explosion flattens a product's BOM to the components to issue for ``quantity`` units. A line
needs ``quantity × (1 + scrap_factor)`` per unit of its parent; a **phantom** line is exploded
through (its own BOM's components are issued instead of it); a **made** line is issued as itself
and gets its own work order at release (its BOM is not flattened here); a **component** line is
issued as itself. Quantities are rounded up to 4 decimals at the end, per product.

Worked example (the test's): 100 knuckle assemblies KA, whose BOM is 1 hub HS (phantom) and
4 bolts (scrap 5 %); HS is 1 forging FG (made, scrap 2 %) and 2 bearings; FG is 1.5 kg steel
(scrap 10 %)::

    bolts    100 × 4 × 1.05            = 420
    forging  100 × 1 (HS) × 1 × 1.02   = 102     (made: its own work order for 102)
    bearings 100 × 1 (HS) × 2          = 200
    steel    not issued here; the forging's work order needs 102 × 1.5 × 1.10 = 168.3

A cycle (a product that needs itself, at any depth, through any kind of line) is ``VALIDATION``
naming the path (``KA → HS → KA``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.errors import ValidationError
from tenon.core.ids import get_record
from tenon.plugins.stock import Product

from ..models import LINE_KINDS, Bom, BomLine
from ._common import FOUR, dec, number


def create_bom(session: Session, *, product_id: Any, lines: Sequence[dict[str, Any]], activate: bool = True) -> Bom:
    """A new BOM version; lines ``{"component_id", "quantity", "scrap_factor"?, "kind"?}``
    (kind ``component``, ``phantom`` or ``made``). With ``activate`` it becomes the active one."""
    product = get_record(session, Product, product_id, field="productId", what="product")
    if not lines:
        raise ValidationError("a BOM needs at least one line", field="lines")
    last = session.scalar(select(func.max(Bom.version_no)).where(Bom.product_id == product.id)) or 0
    bom = Bom(product_id=product.id, version_no=last + 1, active=False)
    session.add(bom)
    session.flush()
    for i, ln in enumerate(lines):
        comp = get_record(session, Product, ln.get("component_id"), field=f"lines[{i}].componentId", what="product")
        if comp.id == product.id:
            raise ValidationError("a product cannot be its own component", field=f"lines[{i}].componentId")
        kind = ln.get("kind") or "component"
        if kind not in LINE_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(LINE_KINDS)}", field=f"lines[{i}].kind")
        session.add(BomLine(bom_id=bom.id, position=i + 1, component_id=comp.id, kind=kind,
                            quantity=number(ln.get("quantity"), f"lines[{i}].quantity", positive=True),
                            scrap_factor=number(ln.get("scrap_factor") or 0, f"lines[{i}].scrapFactor",
                                                maximum=Decimal(10))))
    session.flush()
    if activate:
        activate_bom(session, bom.id)
    return bom


def activate_bom(session: Session, bom_id: Any) -> Bom:
    """Make this version the product's active BOM (the others stay, inactive)."""
    bom = get_record(session, Bom, bom_id, what="BOM")
    for other in session.scalars(select(Bom).where(Bom.product_id == bom.product_id, Bom.id != bom.id,
                                                   Bom.active.is_(True))):
        other.active = False
    bom.active = True
    session.flush()
    return bom


def active_bom(session: Session, product_id: int) -> Bom | None:
    return session.scalar(select(Bom).where(Bom.product_id == product_id, Bom.active.is_(True)))


@dataclass
class ExplodedLine:
    """A component to issue: total quantity for the exploded quantity, the shallowest level it
    appears at (1 = direct), and whether it is a made sub-assembly (its own work order)."""

    product_id: int
    quantity: Decimal
    level: int
    made: bool
    per_unit: Decimal


def _active_boms(session: Session, product_ids: set[int]) -> dict[int, tuple[Bom, list[BomLine]]]:
    if not product_ids:
        return {}
    boms = {b.id: b for b in session.scalars(select(Bom).where(Bom.product_id.in_(sorted(product_ids)),
                                                             Bom.active.is_(True)))}
    out: dict[int, tuple[Bom, list[BomLine]]] = {b.product_id: (b, []) for b in boms.values()}
    if boms:
        for ln in session.scalars(select(BomLine).where(BomLine.bom_id.in_(sorted(boms))).order_by(BomLine.position)):
            out[boms[ln.bom_id].product_id][1].append(ln)
    return out


def _codes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    return dict(session.execute(select(Product.id, Product.code).where(Product.id.in_(sorted(set(ids))))).all())


def explode(session: Session, product_id: Any, quantity: Any = 1, *, bom_id: int | None = None) -> list[ExplodedLine]:
    """The components to issue for ``quantity`` of ``product_id`` (its active BOM, or ``bom_id``),
    by first appearance. One pair of queries per BOM level.

    :raises ValidationError: no BOM, a phantom or made line without a BOM of its own, or a cycle
        (``field="productId"``, ``details["path"]`` the product codes).
    """
    product = get_record(session, Product, product_id, field="productId", what="product")
    qty = number(quantity, "quantity", positive=True)
    if bom_id is not None:
        bom = get_record(session, Bom, bom_id, field="bomId", what="BOM")
        boms = {product.id: (bom, list(session.scalars(select(BomLine).where(BomLine.bom_id == bom.id)
                                                       .order_by(BomLine.position))))}
    else:
        boms = _active_boms(session, {product.id})
    if product.id not in boms:
        raise ValidationError(f"product {product.code} has no active BOM", field="productId")
    out: dict[int, ExplodedLine] = {}
    # (product, units per unit of the top product, path, level, flatten it?, must it have a BOM?)
    frontier: list[tuple[int, Decimal, tuple[int, ...], int, bool, bool]] = [
        (product.id, Decimal(1), (product.id,), 0, True, True)]
    while frontier:
        nxt = []
        for pid, per, path, level, flatten, _req in frontier:
            for ln in boms.get(pid, (None, []))[1]:
                need = per * dec(ln.quantity) * (1 + dec(ln.scrap_factor))
                cpath = (*path, ln.component_id)
                if ln.component_id in path:
                    codes = _codes(session, cpath)
                    names = [codes.get(i, str(i)) for i in cpath]
                    raise ValidationError(f"BOM cycle: {' → '.join(names)}", field="productId",
                                          details={"path": names})
                # every sub-BOM is walked (for cycles); only phantoms under flattened parents add up
                nxt.append((ln.component_id, need, cpath, level + 1, flatten and ln.kind == "phantom",
                            ln.kind != "component"))
                if flatten and ln.kind != "phantom":
                    row = out.get(ln.component_id)
                    if row is None:
                        row = out[ln.component_id] = ExplodedLine(ln.component_id, Decimal(0), level + 1,
                                                                  ln.kind == "made", Decimal(0))
                    row.per_unit += need
        boms.update(_active_boms(session, {p for p, *_ in nxt if p not in boms}))
        for p, _per, path, _lv, _f, required in nxt:
            if required and p not in boms:
                codes = _codes(session, path)
                raise ValidationError(f"{codes[p]} is a phantom or made sub-assembly without an active BOM",
                                      field="productId", details={"path": [codes[i] for i in path]})
        frontier = [n for n in nxt if n[0] in boms]
    for row in out.values():
        row.quantity = (row.per_unit * qty).quantize(FOUR, rounding=ROUND_CEILING)
    return list(out.values())
