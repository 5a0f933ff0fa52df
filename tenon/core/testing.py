"""pytest plugin for Tenon and third-party plugin authors: fresh sites and GraphQL clients.

Fixtures:

* ``make_app(plugins=[...], extra_plugins=[...], settings={...})`` -> a freshly
  installed :class:`~tenon.core.kernel.Tenon` on its own database. Installing
  runs migrations once per plugin set; later sites are copies of that migrated
  template (a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL).
* ``make_client(app)`` -> a :class:`GraphQLClient` over the real Litestar app
  (from :mod:`tenon.graphql.testing`, the API layer's own pytest plugin).

The database is SQLite unless ``TENON_TEST_DATABASE_URL`` names a PostgreSQL
server (``postgresql+psycopg://postgres@127.0.0.1:5432/test``); then every site
gets its own database there, and an unreachable server fails the run instead of
skipping.

``TENON_TEST_WITHOUT_PLUGINS=rework`` (comma-separated names) runs the suite on sites where
those plugins are not installed: ``make_app()`` (every plugin) leaves them, and every plugin
that depends on them, out; a test that asks for one by name is skipped, and so is a test whose
first site names its plugins and none of the left-out ones (that site is the same as in a full run,
so the test would show nothing new). CI runs the suite minus a plugin's own tests this way, to
show that the rest does not need it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from tenon.core import auth
from tenon.core.db import HOUSEKEEPING
from tenon.core.installer import init_site
from tenon.core.audit import KEY_FILE
from tenon.core.kernel import Tenon
from tenon.core.site import Site

ENV_URL = "TENON_TEST_DATABASE_URL"
ENV_WITHOUT = "TENON_TEST_WITHOUT_PLUGINS"


def excluded_plugins() -> set[str]:
    """Plugins ``TENON_TEST_WITHOUT_PLUGINS`` keeps off the test sites."""
    return {p.strip() for p in os.environ.get(ENV_WITHOUT, "").split(",") if p.strip()}


def _without(excluded: set[str], extra: list[Any]) -> list[str]:
    """Every available plugin except ``excluded`` and those that need one of them."""
    from tenon.core.plugins import KERNEL, discover

    candidates = discover(extra)
    out: set[str] = set()
    for name in candidates:
        if name == KERNEL:
            continue
        todo, seen, ok = [name], set(), True
        while todo and ok:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in excluded:
                ok = False
            elif n in candidates:
                todo.extend(candidates[n].info.dependency_names)
        if ok:
            out.add(name)
    return sorted(out)


def backend_url() -> str | None:
    return os.environ.get(ENV_URL) or None


def is_postgres() -> bool:
    url = backend_url()
    return bool(url and url.startswith("postgresql"))


class _Postgres:
    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        self.prefix = f"tenon_t{os.getpid()}_"

    def check(self) -> None:
        try:
            with self.admin.connect() as c:
                c.execute(text("SELECT 1"))
        except Exception as exc:
            pytest.exit(f"PostgreSQL at {self.url.render_as_string()} is unreachable: {exc}", returncode=3)

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> None:
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))

    def drop(self, name: str) -> None:
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_all(self) -> None:
        with self.admin.connect() as c:
            names = c.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                              {"p": self.prefix + "%"}).scalars().all()
        for n in names:
            self.drop(n)


class Sites:
    """Builds migrated templates once per plugin set and hands out copies."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.templates: dict[str, Any] = {}
        url = backend_url()
        self.pg = _Postgres(url) if url and url.startswith("postgresql") else None
        if self.pg:
            self.pg.check()

    def _key(self, plugins: Iterable[str] | None, extra: Iterable[Any]) -> str:
        names = "all" if plugins is None else ",".join(sorted(plugins))
        extras = ",".join(sorted(getattr(e, "__name__", repr(e)) for e in extra))
        return hashlib.sha1(f"{names}|{extras}".encode()).hexdigest()[:10]

    def template(self, plugins: list[str] | None, extra: list[Any]) -> Any:
        key = self._key(plugins, extra)
        if key in self.templates:
            return self.templates[key]
        path = self.tmp / f"template-{key}"
        url = None
        if self.pg:
            name = f"{self.pg.prefix}tpl_{key}"
            self.pg.create(name)
            url = self.pg.url_for(name)
        app = init_site(path, database_url=url, plugins=plugins or [] if plugins is not None else None,
                        extra_plugins=extra)
        app.dispose()
        self.templates[key] = name if self.pg else path / "tenon.db"
        return self.templates[key]

    def new(self, path: Path, plugins: list[str] | None, extra: list[Any]) -> tuple[str | None, str | None]:
        tpl = self.template(plugins, extra)
        path.mkdir(parents=True, exist_ok=True)
        # the copy keeps the template's audit key: its entries are signed with it
        shutil.copyfile(self.tmp / f"template-{self._key(plugins, extra)}" / KEY_FILE, path / KEY_FILE)
        if self.pg:
            name = f"{self.pg.prefix}{uuid.uuid4().hex[:10]}"
            self.pg.create(name, template=tpl)
            return self.pg.url_for(name), name
        shutil.copyfile(tpl, path / "tenon.db")
        return None, None


class GraphQLClient:
    """A GraphQL client over the app's real HTTP stack (Litestar ``TestClient``)."""

    def __init__(self, http: Any, token: str | None = None) -> None:
        self.http = http
        self.token = token

    def as_token(self, token: str | None) -> GraphQLClient:
        return GraphQLClient(self.http, token)

    def post(self, query: str, variables: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None,
             files: Any = None) -> dict[str, Any]:
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=h)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """Run an operation that must succeed; return its ``data``."""
        body = self.post(query, variables, **kw)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def error(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """Run an operation that must fail; return its first error (``["extensions"]["code"]``)."""
        body = self.post(query, variables, **kw)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]

    def login(self, username: str, password: str) -> GraphQLClient:
        data = self.ok("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                       {"u": username, "p": password})
        return self.as_token(data["login"]["token"])


@contextlib.contextmanager
def count_statements(app: Tenon) -> Iterator[list[str]]:
    """Collect the SQL statements the server's request engines send while the block runs (the sync
    :attr:`~tenon.core.kernel.Tenon.request_engine` operations run on, and the async engine).

    ``with count_statements(app) as statements: client.ok(query)`` -- for N+1 tests. The server's
    own bookkeeping (its periodic plugin-set check, marked :data:`tenon.core.db.HOUSEKEEPING`) is
    not counted: it belongs to no request, and counting it made the figures depend on timing.
    """
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if context is not None and context.execution_options.get(HOUSEKEEPING):
            return
        statements.append(statement)

    engines = [app.request_engine, app.async_engine.sync_engine]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def create_user(app: Tenon, username: str, *, roles: Iterable[str] = (), attributes: dict[str, Any] | None = None,
                password: str = "secret-pass-1") -> str:
    """Create a user with an API token; returns the token."""
    with app.transaction(operation="test:create_user") as s:
        user = auth.create_user(s, username, password=password, roles=roles, attributes=attributes)
        return auth.issue_token(s, user, kind="api", name="test")


@pytest.fixture(scope="session")
def _tenon_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    sites = Sites(tmp_path_factory.mktemp("tenon-templates"))
    yield sites
    if sites.pg:
        sites.pg.drop_all()


@pytest.fixture
def make_app(_tenon_sites: Sites, tmp_path: Path) -> Iterator[Callable[..., Tenon]]:
    """Factory: ``make_app(plugins=["stock"], extra_plugins=[module], settings={"api": {...}})``.

    ``plugins=None`` installs every available plugin; ``[]`` only the kernel.
    """
    made: list[tuple[Tenon, str | None]] = []

    def factory(plugins: Iterable[str] | None = None, *, extra_plugins: Iterable[Any] = (),
                settings: dict[str, Any] | None = None) -> Tenon:
        extra = list(extra_plugins)
        plist = None if plugins is None else list(plugins)
        excluded = excluded_plugins()
        if excluded:
            allowed = _without(excluded, extra)
            if plist is None:
                plist = allowed
            elif any(n not in allowed for n in plist if n != "core"):
                pytest.skip(f"{ENV_WITHOUT}={','.join(sorted(excluded))}: this test needs a plugin left out")
            elif not made:
                # Its site is the one the full run builds: running it again would show nothing new.
                pytest.skip(f"{ENV_WITHOUT}={','.join(sorted(excluded))}: this test's site has none of "
                            "them; the full run covers it")
        path = tmp_path / f"site{len(made)}"
        url, dbname = _tenon_sites.new(path, plist, extra)
        site = Site.create(path, database_url=url, overrides=settings)
        app = Tenon(site, extra_plugins=extra)
        made.append((app, dbname))
        return app

    yield factory
    for app, dbname in made:
        app.dispose()
        if dbname and _tenon_sites.pg:
            _tenon_sites.pg.drop(dbname)
