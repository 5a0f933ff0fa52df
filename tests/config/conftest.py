"""Fixtures for the configuration-versions and health-check tests (the test plugin: ``cfgplug.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tenon.core.testing import create_user

sys.path.insert(0, str(Path(__file__).parent))
# scopeplug (tests/graphql) declares row scopes: the health check's "scoped role" finding needs one
sys.path.insert(0, str(Path(__file__).parent.parent / "graphql"))
from cfgplug import CfgPlug  # noqa: E402


@pytest.fixture
def cfg_site(make_app, make_client):
    """A kernel + cfgplug site: ``(app, admin client, author, approver, token of the author)``.

    The author holds config_manager *and* config_approver (so refusing their own approval is the
    author rule, not a missing permission); the approver holds config_approver only.
    """
    def factory(**settings: Any):
        app = make_app(plugins=["cfgplug"], extra_plugins=[CfgPlug()],
                       settings={"api": {"plugin_check_seconds": 0}, **settings})
        admin = make_client(app, create_user(app, "root", roles=["admin"]))
        author = make_client(app, create_user(app, "ann", roles=["config_manager", "config_approver"]))
        approver = make_client(app, create_user(app, "bob", roles=["config_approver"]))
        return app, admin, author, approver
    return factory
