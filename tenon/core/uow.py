"""The unit of work's rules, written once for every opener.

Two places open a unit of work: :meth:`tenon.core.kernel.Tenon.transaction`
(sync: CLI commands, tests, outbox delivery, plain HTTP routes) and the GraphQL
``Transaction`` extension (async, one per operation,
:mod:`tenon.graphql.execution`). Both call :func:`begin_unit` on the new session
before any work, :func:`bind_actor` once the actor is known, and
:func:`after_commit` only after a successful commit. Services and hooks never
commit; a failure rolls everything back and nothing after it runs.

What ``session.info`` holds during a unit of work:

``app``
    the :class:`~tenon.core.kernel.Tenon` (events, hooks and services find it here);
``actor``
    the :class:`~tenon.core.access.Actor` acting, once known (``SYSTEM`` for kernel
    jobs; absent for an anonymous GraphQL operation); a non-system actor's row
    scopes are bound (``row_scope_options``, read by every ORM statement);
``operation``, ``request_id``
    what the audit log records; a unit without ``operation`` writes no audit entry
    (GraphQL queries), a mutation is ``"mutation <name>"``, a CLI command ``"cli:..."``;
``outbox_dirty``
    set by :func:`tenon.core.events.publish` when it wrote after-commit events;
``defer_outbox``
    the opener delivers the outbox itself later (``tenon demo``);
``kept``
    records :func:`tenon.core.db.keep` holds for the rest of the unit (read once, found again
    by primary key from the identity map).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenon.core.access import Actor
    from tenon.core.kernel import Tenon


def begin_unit(session: Session, app: Tenon, actor: Actor | None = None, **info: Any) -> None:
    """Prepare ``session`` for one unit of work of ``app``.

    :param session: the new session (sync, or an ``AsyncSession``'s ``sync_session``).
    :param app: the site's app.
    :param actor: who acts, when already known (else call :func:`bind_actor` later).
    :param info: ``operation``, ``request_id``, ``defer_outbox`` and the like, kept in ``session.info``.
    """
    session.info.update(app=app, **info)
    if actor is not None:
        bind_actor(session, app, actor)


def bind_actor(session: Session, app: Tenon, actor: Actor) -> None:
    """Make ``actor`` the unit's actor; a non-system actor's row scopes apply to every statement."""
    session.info["actor"] = actor
    if not actor.system:
        app.access.bind(session, actor)


def after_commit(info: Mapping[str, Any], deliver: Callable[[], None] | None) -> None:
    """After a successful commit: start outbox delivery when the unit wrote after-commit events.

    :param info: the committed session's ``info``.
    :param deliver: how this opener delivers: at once (``Tenon.transaction``) or by
        waking a server's outbox worker (GraphQL); ``None`` when nothing delivers here.
    """
    if info.get("outbox_dirty") and not info.get("defer_outbox") and deliver is not None:
        deliver()
