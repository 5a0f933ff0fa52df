"""Shared fixtures come from the ``tenon.core.testing`` pytest plugin (``make_app``, ``make_client``)."""

import pytest

from tenon.core.testing import is_postgres


def pytest_collection_modifyitems(config, items):
    if is_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TENON_TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    return f"tenon database: {'PostgreSQL' if is_postgres() else 'SQLite'}"
