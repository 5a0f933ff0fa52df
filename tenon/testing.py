"""Public test helpers for plugin authors: fresh sites, a GraphQL client, users with roles.

Installing ``tenon-erp`` registers Tenon's pytest plugins (``pytest11`` entry points), so a
plugin's tests get the fixtures with no ``conftest.py`` at all; import the helpers from here::

    from tenon.testing import create_user, login_as

    def test_a_technician_opens_an_order(make_app, make_client):
        app = make_app(plugins=["maint"])             # a freshly installed site: kernel, stock, maint
        tech = login_as(make_client, app, "maint_tech")
        tech.ok("{ maintOrders { totalCount } }")

or use the ``client_as`` fixture: ``tech = client_as(app, "maint_tech")``. The fixtures live in
:mod:`tenon.core.testing` and :mod:`tenon.graphql.testing` (the entry points ``tenon`` and
``tenon-graphql``) and are re-exported here: with entry-point autoloading off
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``) put ``pytest_plugins = ["tenon.testing"]`` in the plugin's
top ``conftest.py`` instead.

Fixtures:

* ``make_app(plugins=[...], extra_plugins=[...], settings={...})`` -> a freshly installed
  :class:`~tenon.core.kernel.Tenon` on its own database (dependencies are installed first;
  SQLite, or PostgreSQL when ``TENON_TEST_DATABASE_URL`` names a server);
* ``make_client(app, token=None)`` -> a :class:`GraphQLClient` over the app's real HTTP stack;
* ``client_as(app, *roles, username=None, attributes=None)`` -> a signed-in client of a new user.

Helpers: :func:`create_user` (a user with roles; returns an API token), :func:`login_as`,
:func:`wait_for_outbox` (wait until the server delivered the after-commit events),
:class:`GraphQLClient` (``ok(query, variables)`` returns ``data`` and fails the test on an error;
``error(query, variables)`` returns the first error, ``["extensions"]["code"]``), and
:func:`count_statements` (SQL statements sent while a block runs, for N+1 tests).
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from tenon.core.kernel import Tenon
from tenon.core.models import OutboxMessage
from tenon.core.testing import (
    GraphQLClient,
    _tenon_sites,  # noqa: F401  (the session fixture make_app uses, for pytest_plugins)
    backend_url,
    count_statements,
    create_user,
    is_postgres,
    make_app,
)
from tenon.graphql.testing import client_as, login_as, make_client

__all__ = ["GraphQLClient", "backend_url", "client_as", "count_statements", "create_user", "is_postgres",
           "login_as", "make_app", "make_client", "wait_for_outbox"]


def wait_for_outbox(app: Tenon, timeout: float = 15.0) -> None:
    """Wait until every after-commit event of ``app`` is delivered to its subscribers.

    The test server delivers the outbox itself, right after each commit (retrying a failed
    handler with backoff); call this after a mutation that publishes, before asserting what a
    subscriber did. Do not call :func:`tenon.core.events.deliver_outbox` beside a running test
    server: two deliverers on one SQLite database lock each other out.

    :raises AssertionError: something is still undelivered after ``timeout`` seconds (the message
        names the subscriber and its last error).
    """
    deadline = time.monotonic() + timeout
    while True:
        with app.transaction() as session:
            pending = session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.delivered_at.is_(None)))
            if not pending:
                return
            if time.monotonic() > deadline:
                rows = session.execute(select(OutboxMessage.event, OutboxMessage.subscriber, OutboxMessage.last_error)
                                       .where(OutboxMessage.delivered_at.is_(None)).limit(5)).all()
                raise AssertionError(f"{pending} after-commit event(s) undelivered after {timeout}s: "
                                     + "; ".join(f"{e} -> {s}: {err or 'not yet tried'}" for e, s, err in rows))
        time.sleep(0.05)
