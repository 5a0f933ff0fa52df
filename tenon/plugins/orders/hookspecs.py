"""Hooks the orders plugin owns, for plugins that depend on it (mrp, qc, notifications).

All of them are *domain* hooks, called inside the unit of work that changes the order
(the reaction rule, :mod:`tenon.core.hookspecs`):

* ``…ing`` hooks (``tenon_orders_sales_order_confirming``, ``…_cancelling``) are pre-steps,
  called with ``app.hooks.ask`` before the state changes: an implementation refuses by
  raising a :class:`tenon.TenonError` (the whole operation rolls back and the client
  gets the error's code);
* past-tense hooks (``…_confirmed``, ``…_state_changed``) are notifications, called with
  ``app.hooks.notify`` after the change is flushed: an implementation reacts in the same
  transaction (creates work orders, moves the order on) but cannot refuse; a
  ``TenonError`` it raises becomes a ``PluginError``.

After-commit reactions subscribe to the event ``orders.sales_order.state_changed``
(:mod:`tenon.plugins.orders.events`). Implementations never commit.

Registered by ``orders`` through ``tenon_addhooks``; implement them with ``@hookimpl``
in a plugin that declares ``depends=("orders",)`` (or ``@hookimpl(optionalhook=True)``
in one that lists orders in ``optional``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tenon.core.hookspecs import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenon.core.access import Actor
    from .models import SalesOrder, SalesOrderLine


@hookspec
def tenon_orders_sales_order_confirming(
    session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine], actor: Actor | None
) -> None:
    """A sales order is about to be confirmed (``draft`` → ``confirmed``): the place to refuse.

    Called through ``app.hooks.ask`` inside the confirming transaction, after orders'
    own checks (lines, customer, credit limit) and before the state changes, once per
    order, in plugin order. Raising a ``TenonError`` refuses the confirmation:
    everything rolls back, the order stays ``draft`` and the client gets the error's code.

    :param session: the unit of work's session (row scopes of the actor apply); never commit.
    :param order: the order, still ``draft``.
    :param lines: its lines, in position order.
    :param actor: who confirms (``None`` only outside a request, e.g. scripts).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_orders_sales_order_confirming(session, order, lines):
            if not capacity.can_plan(session, lines):
                raise TenonError(f"no capacity for {order.number}", code="PLANNING_REFUSED")

    Since 0.2.
    """


@hookspec
def tenon_orders_sales_order_confirmed(
    session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine], actor: Actor | None
) -> None:
    """A sales order was confirmed (``draft`` → ``confirmed``).

    Called through ``app.hooks.notify`` inside the confirming transaction, after the
    new state and its history row are flushed, once per order, in plugin order. This
    is where production planning (mrp) creates work orders for the lines; it may move
    the order on with :func:`tenon.plugins.orders.mark_in_production`. It cannot
    refuse (a ``TenonError`` becomes a ``PluginError``): refuse in
    :func:`tenon_orders_sales_order_confirming`.

    :param session: the unit of work's session (row scopes of the actor apply); never commit.
    :param order: the confirmed order (``state == "confirmed"``).
    :param lines: its lines, in position order.
    :param actor: who confirms (``None`` only outside a request, e.g. scripts).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_orders_sales_order_confirmed(session, order, lines):
            for line in lines:
                create_work_order(session, product_id=line.product_id, quantity=line.quantity,
                                  origin_line_id=line.id, due=line.due_date or order.requested_date)

    Since 0.1.
    """


@hookspec
def tenon_orders_sales_order_cancelling(session: Session, order: SalesOrder, actor: Actor | None) -> None:
    """A sales order is about to be cancelled (from ``draft`` or ``confirmed``).

    Called through ``app.hooks.ask`` inside the cancelling transaction, after orders'
    own checks and before the state changes, in plugin order. Implementations
    cancel what they created for the order (work orders, reservations) or refuse the
    cancellation by raising a ``TenonError`` (e.g. production already started).

    :param session: the unit of work's session; never commit.
    :param order: the order, still in its current state.
    :param actor: who cancels.
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_orders_sales_order_cancelling(session, order):
            cancel_work_orders_for(session, origin_id=order.id)

    Since 0.1.
    """


@hookspec
def tenon_orders_sales_order_state_changed(
    session: Session, order: SalesOrder, from_state: str | None, to_state: str, actor: Actor | None
) -> None:
    """Any state change of a sales order, after it is flushed and recorded in the history.

    Called through ``app.hooks.notify`` inside the transaction that changed the state
    (confirm, production progress, shipment done, close, cancel), right after the
    history row is flushed and before ``…_confirmed``. It cannot refuse (a ``TenonError``
    becomes a ``PluginError``). For reactions after the commit (notifications,
    dashboards) subscribe to the event ``orders.sales_order.state_changed`` instead.

    :param session: the unit of work's session; never commit.
    :param order: the order in its new state.
    :param from_state: the previous state (``None`` when created).
    :param to_state: the new state.
    :param actor: who made the change.
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_orders_sales_order_state_changed(session, order, to_state):
            if to_state == "shipped":
                close_open_quality_holds(session, order.id)

    Since 0.1.
    """

