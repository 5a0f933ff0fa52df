"""Hooks the mrp plugin owns, for qc, rework and other plugins (the reaction rule,
:mod:`tenon.core.hookspecs`): ``…ing`` hooks are asked before a change and may veto by raising
a :class:`tenon.TenonError`; past-tense hooks are notified after it, in the same transaction,
and cannot veto. After-commit reactions subscribe to :mod:`tenon.plugins.mrp.events`.
Implementations never commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenon.core.hookspecs import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenon.plugins.mrp.models import OperationReport, WorkOrder, WorkOrderOperation


@hookspec
def tenon_mrp_operation_reported(session: Session, work_order: WorkOrder, operation: WorkOrderOperation,
                                 report: OperationReport) -> None:
    """An operation report (person or machine) was recorded and the quantities moved on.

    Called through ``app.hooks.notify`` inside the reporting transaction, after the report row,
    the operation's totals and (for the last operation) the finished-goods receipt are flushed.
    qc implements it to open an in-process inspection and hold the next operation with
    :func:`tenon.plugins.mrp.block_operation` until it passes. Cannot veto (a ``TenonError``
    becomes a ``PluginError``).

    :param session: the unit of work's session (the actor's row scopes apply); never commit.
    :param work_order: the work order (``in_progress``).
    :param operation: the operation reported on, with its new totals.
    :param report: the report row (``source`` ``operator`` or ``machine``).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_mrp_operation_reported(session, operation, report):
            if operation.inspection_required:
                open_inspection(session, operation.id, report.good_quantity)
                block_operation(session, operation.id, next_step=True)

    Since 0.1.
    """


@hookspec
def tenon_mrp_work_order_finishing(session: Session, work_order: WorkOrder) -> None:
    """A work order is about to be finished (``in_progress`` → ``done``): the place to refuse.

    Called through ``app.hooks.ask`` by the work order workflow's ``finish``; qc raises a
    ``TenonError`` until the final inspection is recorded. Everything rolls back.

    :param session: the unit of work's session (the actor's row scopes apply); never commit.
    :param work_order: the work order, still ``in_progress``.
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_mrp_work_order_finishing(session, work_order):
            if not final_inspection_passed(session, work_order.id):
                raise TenonError("final inspection missing", code="INSPECTION_PENDING")

    Since 0.1.
    """


@hookspec
def tenon_mrp_work_order_done(session: Session, work_order: WorkOrder) -> None:
    """A work order was finished (state ``done``), in the finishing transaction.

    Called through ``app.hooks.notify`` by the workflow's ``finish``, after the state change and
    its history row are flushed, before the ``mrp.work_order.done`` event is published. Cannot veto.

    :param session: the unit of work's session (the actor's row scopes apply); never commit.
    :param work_order: the work order (``done``).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_mrp_work_order_done(session, work_order):
            close_rework_links(session, work_order.id)

    Since 0.1.
    """


@hookspec
def tenon_mrp_work_order_state_changed(session: Session, work_order: WorkOrder, from_state: str,
                                       to_state: str) -> None:
    """Any state change of a work order, after it is flushed and recorded in the history.

    Called through ``app.hooks.notify`` (the workflow's ``changed`` hook). Cannot veto.

    :param session: the unit of work's session (the actor's row scopes apply); never commit.
    :param work_order: the work order in its new state.
    :param from_state: the previous state.
    :param to_state: the new state.
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_mrp_work_order_state_changed(session, work_order, to_state):
            if to_state == "in_progress":
                dashboards.touch(session, work_order.id)

    Since 0.1.
    """
