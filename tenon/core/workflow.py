"""Declared state machines for documents: transitions, guards, recorded history, owned hooks.

A plugin writes its document's life cycle as data, once, and every state change goes through
:meth:`Workflow.apply`::

    SALES_ORDER = Workflow(
        name="orders.sales_order", label="sales order", subject="order",
        transitions=[
            Transition("confirm", ("draft",), "confirmed", guard=_credit_ok, verb="confirmed",
                       before="tenon_orders_sales_order_confirming",
                       after="tenon_orders_sales_order_confirmed"),
            Transition("cancel", ("draft", "confirmed"), "cancelled", verb="cancelled",
                       before="tenon_orders_sales_order_cancelling"),
        ],
        record=_history_row,                       # one history row per change
        changed="tenon_orders_sales_order_state_changed",
        event=lambda change: SalesOrderStateChanged(order_id=change.record.id, ...),
    )

    SALES_ORDER.apply(session, order, "confirm", lines=lines)

A plugin declares its workflows with the ``tenon_workflows`` hook, which checks at load that every
owned hook they name is declared by the plugin.

One error code per meaning, for every plugin:

* an action the record's state does not allow: ``INVALID_STATE``
  (:class:`~tenon.core.errors.InvalidState`, ``details``: ``state``, ``action``, ``allowedFrom``);
* an unknown or out-of-scope id: ``NOT_FOUND``, a malformed one ``VALIDATION``
  (:func:`tenon.core.ids.get_record`);
* bad input found by a guard: ``VALIDATION`` (or the plugin's own code);
* a concurrent change of the same record: ``CONFLICT`` (the record's optimistic ``version`` is
  checked when the new state is flushed, with the next query or at commit; the unit rolls back,
  side effects included).

:meth:`Workflow.apply` runs, in this order, inside the caller's unit of work:

1. the transition for ``action`` from the current state (else ``INVALID_STATE``);
2. its ``guard(session, record, **args)``, which raises to refuse;
3. its ``before`` owned hook (a ``…ing`` hook: implementations may veto by raising);
4. the state change (written by the next flush, with what the later steps change);
5. ``record(session, change)``: the plugin's bookkeeping of the change (its history row, or
   the effects the change makes, such as stock's ledger moves);
6. the workflow's ``changed`` hook (past tense: an in-transaction reaction, cannot veto);
7. ``event(change)`` published for after-commit subscribers (see :mod:`tenon.core.events`);
8. the transition's ``after`` owned hook (past tense), last, so that a change its
   implementations make in turn is recorded, notified and published after this one.

An owned hook's spec chooses its arguments among ``session``, the record under the workflow's
``subject`` name, ``actor``, ``from_state``, ``to_state`` and the ``args`` given to
:meth:`~Workflow.apply`; the workflow passes exactly those (an implementation, as always with
pluggy, takes the ones it names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tenon.core.db import current_actor
from tenon.core.errors import InvalidState, PluginError

Guard = Callable[..., None]


@dataclass(frozen=True)
class Transition:
    """One edge of a life cycle.

    :param action: what the client asks for (``"confirm"``); several transitions may share an
        action from different source states.
    :param source: the states it may start from.
    :param target: the state it ends in.
    :param guard: ``guard(session, record, **args)``; raise a :class:`~tenon.TenonError` to refuse.
    :param verb: the action as a past participle for messages (``"confirmed"``).
    :param before: an owned ``…ing`` hook asked before the change (may veto).
    :param after: an owned past-tense hook notified after the change.
    """

    action: str
    source: tuple[str, ...]
    target: str
    guard: Guard | None = None
    verb: str = ""
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class StateChange:
    """What :meth:`Workflow.apply` did: given to ``record``, ``event`` and returned."""

    record: Any
    action: str
    from_state: str
    to_state: str
    actor: Any = None
    note: str = ""
    args: dict[str, Any] = field(default_factory=dict)


class Workflow:
    """A document's declared life cycle.

    :param name: ``<plugin>.<entity>`` (``"orders.sales_order"``), unique per site.
    :param label: how messages name the document (``"sales order"``).
    :param subject: the keyword under which owned hooks receive the record (``"order"``).
    :param transitions: the edges; ``(action, source state)`` pairs must be unique.
    :param states: every state, in display order (default: those the transitions name).
    :param state_attr: the record's state attribute.
    :param describe: ``describe(record)`` for messages (default: its ``number`` or id).
    :param record: ``record(session, change)``: the plugin's bookkeeping (history row, effects).
    :param changed: an owned past-tense hook notified on every change.
    :param event: ``event(change)`` returns the declared event to publish, or ``None``.
    """

    def __init__(
        self,
        *,
        name: str,
        label: str,
        subject: str,
        transitions: Sequence[Transition],
        states: Sequence[str] | None = None,
        state_attr: str = "state",
        describe: Callable[[Any], str] | None = None,
        record: Callable[[Session, StateChange], Any] | None = None,
        changed: str | None = None,
        event: Callable[[StateChange], Any] | None = None,
    ) -> None:
        self.name = name
        self.label = label
        self.subject = subject
        self.transitions = tuple(transitions)
        named = [s for t in self.transitions for s in (*t.source, t.target)]
        self.states = tuple(states) if states is not None else tuple(dict.fromkeys(named))
        self.state_attr = state_attr
        self.describe = describe or (lambda r: str(getattr(r, "number", None) or getattr(r, "id", "?")))
        self.record = record
        self.changed = changed
        self.event = event
        self._check()

    def _check(self) -> None:
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            for state in (*t.source, t.target):
                if state not in self.states:
                    raise PluginError(f"{self.label} workflow: transition {t.action!r} names unknown state {state!r}")
            for state in t.source:
                if (t.action, state) in seen:
                    raise PluginError(f"{self.label} workflow: two {t.action!r} transitions from {state!r}")
                seen.add((t.action, state))
            if t.before is not None and not t.before.endswith("ing"):
                raise PluginError(f"{self.label} workflow: before-hook {t.before!r} must be an '…ing' hook")
            for name in (t.after, self.changed):
                if name is not None and name.endswith("ing"):
                    raise PluginError(f"{self.label} workflow: hook {name!r} after a change must be past tense")

    def hook_names(self) -> list[str]:
        """Every owned hook this workflow calls."""
        names = [n for t in self.transitions for n in (t.before, t.after)] + [self.changed]
        return list(dict.fromkeys(n for n in names if n is not None))

    # ------------------------------------------------------------------ reading
    def state_of(self, record: Any) -> str:
        return getattr(record, self.state_attr)

    def actions(self) -> list[str]:
        """Every action, in declaration order."""
        return list(dict.fromkeys(t.action for t in self.transitions))

    def allowed(self, record: Any) -> list[str]:
        """The actions the record's current state allows (before guards)."""
        state = self.state_of(record)
        return list(dict.fromkeys(t.action for t in self.transitions if state in t.source))

    def transition(self, record: Any, action: str) -> Transition:
        """The transition ``action`` from the record's current state.

        :raises ValueError: ``action`` is not declared at all (a programming error).
        :raises InvalidState: ``INVALID_STATE`` when the current state does not allow it.
        """
        candidates = [t for t in self.transitions if t.action == action]
        if not candidates:
            raise ValueError(f"{self.label} workflow has no action {action!r}")
        state = self.state_of(record)
        for t in candidates:
            if state in t.source:
                return t
        allowed = sorted({s for t in candidates for s in t.source})
        verb = candidates[0].verb or f"moved by {action!r}"
        raise InvalidState(
            f"{self.label} {self.describe(record)} is {state}; it cannot be {verb} (only from {', '.join(allowed)})",
            field="state", details={"state": state, "action": action, "allowedFrom": allowed},
        )

    # ------------------------------------------------------------------ changing
    def apply(self, session: Session, record: Any, action: str, *, note: str = "", **args: Any) -> StateChange:
        """Move ``record`` by ``action`` (see the module docstring for the order of steps).

        :param session: the unit of work's session; never committed here.
        :param record: the document (loaded through its row scope).
        :param action: the action name.
        :param note: a free-text note for the history row.
        :param args: extra values for the guard and the owned hooks (``lines=...``).
        :returns: the :class:`StateChange`.
        """
        t = self.transition(record, action)
        if t.guard is not None:
            t.guard(session, record, **args)
        actor = current_actor(session)
        from_state = self.state_of(record)
        hook_args = {"session": session, self.subject: record, "actor": actor,
                     "from_state": from_state, "to_state": t.target, **args}
        hooks = session.info["app"].hooks
        if t.before is not None:
            hooks.ask(t.before, **_declared(hooks, t.before, hook_args))
        setattr(record, self.state_attr, t.target)
        change = StateChange(record=record, action=action, from_state=from_state, to_state=t.target,
                             actor=actor, note=note, args=dict(args))
        if self.record is not None:
            self.record(session, change)
        if self.changed is not None:
            hooks.notify(self.changed, **_declared(hooks, self.changed, hook_args))
        if self.event is not None:
            from tenon.core.events import publish

            event = self.event(change)
            if event is not None:
                publish(session, event)
        # last, so a change an implementation makes from here (mrp putting a just-confirmed order
        # in production) is recorded, notified and published after this one, in order
        if t.after is not None:
            hooks.notify(t.after, **_declared(hooks, t.after, hook_args))
        return change


def _declared(hooks: Any, name: str, available: dict[str, Any]) -> dict[str, Any]:
    """The arguments ``name``'s spec declares, taken from what the step offers."""
    spec = hooks.spec(name)
    if spec is None:  # ask/notify raise the one-line error naming the hook
        return available
    wanted = spec.argnames
    missing = [a for a in wanted if a not in available]
    if missing:
        raise PluginError(f"hook {name!r} declares {', '.join(missing)}, which the workflow step does not "
                          f"offer (it offers {', '.join(sorted(available))})")
    return {a: available[a] for a in wanted}
