"""Hooks the qc plugin owns, for rework and other plugins (the reaction rule,
:mod:`tenon.core.hookspecs`): past-tense hooks are notified in qc's transaction and cannot
veto (a ``TenonError`` raised in one becomes a ``PluginError``). After-commit reactions
subscribe to :mod:`tenon.plugins.qc.events`. Implementations never commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenon.core.hookspecs import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenon.plugins.qc.models import Inspection, Nonconformance


@hookspec
def tenon_qc_rework_disposed(session: Session, nonconformance: Nonconformance, inspection: Inspection) -> None:
    """A nonconformance was given the disposition ``rework``, in the disposition transaction.

    Called through ``app.hooks.notify`` after the nonconformance is ``dispositioned`` (its
    ``disposition``, ``reason``, ``disposed_by`` flushed). The rework plugin implements it to open
    a rework order (for example an mrp work order of kind ``rework``, whose finishing gets a final
    inspection like any work order: the re-inspection). The disposition ``rework`` is offered only
    when at least one loaded plugin implements this hook; otherwise ``nonconformanceDispose``
    refuses it with ``DISPOSITION_UNAVAILABLE`` and nothing changes.

    :param session: the unit of work's session (the actor's row scopes apply); never commit.
    :param nonconformance: the :class:`tenon.plugins.qc.Nonconformance` (``dispositioned``).
    :param inspection: the failed :class:`tenon.plugins.qc.Inspection` that opened it
        (``work_order_id``, ``lot_id``, ``product_id``, ``quantity``).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_qc_rework_disposed(session, nonconformance, inspection):
            services.open_rework_order(session, nonconformance.id, inspection.work_order_id,
                                       nonconformance.quantity)

    Since 0.1.
    """


@hookspec
def tenon_qc_inspection_recorded(session: Session, inspection: Inspection) -> None:
    """An inspection's result became final (every required check has a value): ``passed`` or
    ``failed``, in the recording transaction.

    Called through ``app.hooks.notify`` after the state change, the release (or the hold and the
    nonconformance of a failed one) are flushed, before the ``qc.inspection.passed`` /
    ``qc.inspection.failed`` event is published. Cannot veto.

    :param session: the unit of work's session (the actor's row scopes apply); never commit.
    :param inspection: the :class:`tenon.plugins.qc.Inspection` (``state`` ``passed`` or ``failed``).
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_qc_inspection_recorded(session, inspection):
            if inspection.state == "passed" and inspection.reinspection:
                services.close_rework_for(session, inspection.work_order_id)

    Since 0.1.
    """
