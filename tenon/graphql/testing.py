"""pytest plugin of the API layer: the ``make_client`` and ``client_as`` fixtures, :func:`login_as`.

Registered as its own ``pytest11`` entry point (``tenon-graphql``) beside
:mod:`tenon.core.testing` (``make_app``, ``create_user``,
:class:`~tenon.core.testing.GraphQLClient`), so the kernel's test harness never
imports the API layer.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tenon.core.kernel import Tenon
from tenon.core.testing import GraphQLClient, create_user


@pytest.fixture
def make_client() -> Iterator[Callable[..., GraphQLClient]]:
    """Factory: ``make_client(app, token=None)`` -> :class:`GraphQLClient` (the server runs until the test ends)."""
    from litestar.testing import TestClient

    from tenon.graphql.app import create_app

    stack = contextlib.ExitStack()
    servers: dict[int, Any] = {}

    def factory(app: Tenon, token: str | None = None) -> GraphQLClient:
        if id(app) not in servers:
            servers[id(app)] = stack.enter_context(TestClient(create_app(app)))
        return GraphQLClient(servers[id(app)], token)

    with stack:
        yield factory


_serial = itertools.count(1)


def login_as(make_client: Callable[..., GraphQLClient], app: Tenon, *roles: str, username: str | None = None,
             attributes: dict[str, Any] | None = None, password: str = "secret-pass-1") -> GraphQLClient:
    """Create a user with ``roles`` on ``app`` and return a client signed in as that user.

    :param make_client: the ``make_client`` fixture (it owns the server's lifetime).
    :param app: a site from ``make_app``.
    :param roles: role names (``"maint_tech"``); none gives a user who may do nothing.
    :param username: default ``<first role>-<n>`` (``user-<n>`` without roles).
    :param attributes: user attributes for row scopes (``{"regions": ["east"]}``).
    :param password: the user's password (for tests that also sign in with ``login``).
    :returns: a :class:`GraphQLClient` that sends the user's API token.
    """
    name = username or f"{roles[0] if roles else 'user'}-{next(_serial)}"
    return make_client(app, create_user(app, name, roles=roles, attributes=attributes, password=password))


@pytest.fixture
def client_as(make_client: Callable[..., GraphQLClient]) -> Callable[..., GraphQLClient]:
    """Factory: ``client_as(app, *roles, username=None, attributes=None)`` -> a signed-in client (:func:`login_as`)."""

    def factory(app: Tenon, *roles: str, username: str | None = None,
                attributes: dict[str, Any] | None = None) -> GraphQLClient:
        return login_as(make_client, app, *roles, username=username, attributes=attributes)

    return factory
