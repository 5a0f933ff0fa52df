"""pytest plugin of the API layer: the ``make_client`` fixture.

Registered as its own ``pytest11`` entry point (``tenon-graphql``) beside
:mod:`tenon.core.testing` (``make_app``, ``create_user``,
:class:`~tenon.core.testing.GraphQLClient`), so the kernel's test harness never
imports the API layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tenon.core.kernel import Tenon
from tenon.core.testing import GraphQLClient


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
