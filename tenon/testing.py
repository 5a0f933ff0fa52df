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
:class:`GraphQLClient` (``ok(query, variables)`` returns ``data`` and fails the test on an error;
``error(query, variables)`` returns the first error, ``["extensions"]["code"]``), and
:func:`count_statements` (SQL statements sent while a block runs, for N+1 tests).
"""

from __future__ import annotations

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
           "login_as", "make_app", "make_client"]
