"""``tenon demo``: each plugin's deterministic demo data, one transaction per plugin."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core import auth
from tenon.core.models import User

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon


def demo_password(username: str) -> str:
    """Demo users' passwords are predictable on purpose: ``<username>-demo``. Never use a demo site in production."""
    return f"{username}-demo"


def demo_user(session: Session, username: str, *, roles: Iterable[str], display_name: str = "",
              attributes: dict[str, Any] | None = None) -> User:
    """Create (once) a demo user whose password is :func:`demo_password`; listed by ``tenon demo``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = auth.create_user(session, username, password=demo_password(username),
                                display_name=display_name, roles=roles, attributes=attributes)
    session.info.setdefault("demo_users", []).append(user.username)
    return user


def load_demo(app: Tenon, progress: Callable[[str], None] = lambda _m: None) -> list[str]:
    """Run every plugin's ``tenon_demo_data`` in dependency order; return the lines to print."""
    users: list[str] = []

    @contextlib.contextmanager
    def transaction(plugin: str) -> Iterator[Session]:
        with app.transaction(operation=f"demo:{plugin}", defer_outbox=True) as session:
            yield session
            users.extend(session.info.get("demo_users", []))

    app.hooks.demo_data(transaction, progress)
    from tenon.core.events import deliver_outbox

    deliver_outbox(app)
    lines = ["demo users (username / password):"]
    with app.transaction() as s:
        for name in dict.fromkeys(users):
            user = auth.get_user(s, name)
            roles = ", ".join(auth.user_roles(s, user))
            regions = user.attributes.get("regions") if user.attributes else None
            extra = f"  regions: {', '.join(regions)}" if regions else ""
            lines.append(f"  {name:<14} / {demo_password(name):<20} roles: {roles}{extra}")
    if len(lines) == 1:
        lines.append("  (no plugin created demo users; the admin password was printed by `tenon init`)")
    return lines
