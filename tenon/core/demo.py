"""``tenon demo``: each plugin's deterministic demo data, one transaction per plugin.

The kernel's own part (``tenon_demo_data`` of the plugin ``core``) creates the people of its two
roles: ``it_admin`` (``admin``) and ``auditor`` (``auditor``). :class:`ProgressBar` is what
``tenon demo`` shows while the plugins load (a bar on a terminal, plain lines otherwise).
"""

from __future__ import annotations

import contextlib
import sys
import time
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


def load_kernel_demo(session: Session) -> None:
    """The kernel's demo users: an administrator, an auditor, a configuration manager and the approver
    of configuration changes (passwords ``<username>-demo``)."""
    demo_user(session, "it_admin", roles=["admin"], display_name="Ma Jun (IT administrator)")
    demo_user(session, "auditor", roles=["auditor"], display_name="Xu Hui (internal auditor)")
    demo_user(session, "cfg_li", roles=["config_manager"], display_name="Li Na (quality supervisor, configures fields and rules)")
    demo_user(session, "cfg_head", roles=["config_approver"], display_name="Zhou Bin (head of digitalisation, approves changes)")


def demo_plugins(app: Tenon) -> list[str]:
    """The plugins that contribute demo data, in the order ``tenon demo`` runs them."""
    return app.hooks.demo_plugins()


class ProgressBar:
    """A progress callback for :func:`load_demo`: one bar segment per plugin, the current step
    after it, redrawn in place on a terminal; on anything else (a pipe, a CI log) one line per step."""

    def __init__(self, plugins: list[str], stream: Any = None, width: int = 24) -> None:
        self.plugins, self.stream, self.width = plugins, stream or sys.stderr, width
        self.done, self.started = 0, time.perf_counter()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, message: str) -> None:
        if message.startswith("demo data: "):
            plugin = message.removeprefix("demo data: ")
            self.done = self.plugins.index(plugin) if plugin in self.plugins else self.done
        if not self.tty:
            print(message, file=self.stream, flush=True)
            return
        self._draw(message.strip())

    def _draw(self, message: str) -> None:
        total = max(len(self.plugins), 1)
        filled = self.width * self.done // total
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {self.done}/{total} {message}"[:100]
        self.stream.write("\r" + line.ljust(100))
        self.stream.flush()

    def finish(self) -> str:
        """Complete the bar; returns the summary line."""
        self.done = len(self.plugins)
        summary = f"demo data loaded in {time.perf_counter() - self.started:.1f} s ({', '.join(self.plugins)})"
        if self.tty:
            self._draw("done")
            self.stream.write("\n")
        return summary


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
            attrs = user.attributes or {}
            extra = "".join(f"  {key.replace('_', ' ')}: {', '.join(attrs[key])}"
                            for key in ("regions", "work_centers") if attrs.get(key))
            lines.append(f"  {name:<14} / {demo_password(name):<20} roles: {roles}{extra}")
    if len(lines) == 1:
        lines.append("  (no plugin created demo users; the admin password was printed by `tenon init`)")
    return lines
