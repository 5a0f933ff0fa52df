"""The kernel's own GraphQL fields and HTTP route come through the ordinary hooks, from the kernel
companion ``core:graphql`` (entry-point group ``tenon.kernel``), attributed to the plugin ``core``."""

from __future__ import annotations

import json

import pytest
import strawberry

from tenon import PluginInfo, hookimpl
from tenon.core import plugins as plugmod
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import PluginError
from tenon.core.kernel import Tenon
from tenon.core.site import Site
from tenon.core.testing import create_user
from tenon.graphql.compose import build_schema
from tenon.graphql.permissions import allowed


@strawberry.type
class GaugeQuery:
    @strawberry.field(description="Gauges.", extensions=allowed("gauges.gauge", "read"))
    def gauges(self) -> list[str]:
        return ["G-1"]


class Gauges:
    """A plugin with one root field."""

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="gauges", version="0.1.0")

    @hookimpl
    def tenon_graphql_contributions(self, app):
        return SchemaContribution(query=GaugeQuery)


def test_the_kernel_graphql_is_part_of_core(tmp_path):
    """``core:graphql`` is registered right after ``core`` (before every plugin), is not a plugin of
    its own, and its contribution and route reach the API layer as the plugin ``core``'s: the kernel's
    root fields come first, then the plugins'."""
    from tenon.graphql.kernel import plugin as kernel_graphql

    app = Tenon(Site.create(tmp_path / "site"), plugins=["gauges"], extra_plugins=[Gauges()])
    try:
        assert list(app.plugins) == ["core", "gauges"]
        assert [name for name, _p in app.pm.list_name_plugin()] == ["core", "core:graphql", "gauges"]
        assert app.pm.get_plugin("core:graphql") is kernel_graphql
        contributions = app.hooks.graphql_contributions()
        assert [p for p, _c in contributions] == ["core", "gauges"]
        assert [r.paths for r in app.hooks.http_routes()] == [
            {"/attachments/{attachment_id:int}"}, {"/"}, {"/console/static/{path:path}"},
            {"/console/plugins/{plugin:str}/{path:path}"}]
        query = build_schema(app).get_type_by_name("Query")
        names = [f.name for f in query.fields]
        assert names[0] == "gauges" and {"me", "users", "attachments"} <= set(names[1:])  # the kernel's last, as ever
    finally:
        app.dispose()


def test_a_kernel_only_app_signs_in_and_serves_the_attachment_route(make_app, make_client):
    """With no plugin installed, ``login`` works and ``GET /attachments/{id}`` returns the upload."""
    app = make_app(plugins=[])
    create_user(app, "boss", roles=["admin"], password="boss-pass-1")
    client = make_client(app).login("boss", "boss-pass-1")
    assert client.ok("{ me { username } }")["me"]["username"] == "boss"
    data = b"calibration due 2027-01\n"
    operations = {"query": "mutation($f: Upload!) { attachmentUpload(file: $f) { downloadUrl } }",
                  "variables": {"f": None}}
    posted = client.http.post("/graphql", headers={"Authorization": f"Bearer {client.token}"},
                              data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
                              files={"0": ("note.txt", data, "text/plain")})
    att = posted.json()["data"]["attachmentUpload"]
    response = client.http.get(att["downloadUrl"], headers={"Authorization": f"Bearer {client.token}"})
    assert response.status_code == 200 and response.content == data


def test_the_kernel_fields_come_only_from_its_companion(tmp_path, monkeypatch):
    """Without the ``tenon.kernel`` entry points (a broken install, simulated) the kernel has no
    GraphQL fields and no routes: nothing in composition special-cases it."""
    monkeypatch.setattr(plugmod, "kernel_companions", lambda: {})
    app = Tenon(Site.create(tmp_path / "site"), plugins=["gauges"], extra_plugins=[Gauges()])
    try:
        sdl = build_schema(app).as_str()
        assert "gauges" in sdl and "login" not in sdl and "Attachment" not in sdl
        assert app.hooks.http_routes() == []
    finally:
        app.dispose()


class _EntryPoint:
    def __init__(self, name, obj):
        self.name, self.value, self._obj = name, f"tests.{name}", obj

    def load(self):
        return self._obj


def test_a_kernel_part_may_not_call_itself_a_plugin(monkeypatch):
    """A ``tenon.kernel`` module with its own ``tenon_plugin_info`` is refused with one line naming it."""
    monkeypatch.setattr(plugmod, "entry_points", lambda group: [_EntryPoint("rogue", Gauges())]
                        if group == plugmod.KERNEL_GROUP else [])
    with pytest.raises(PluginError, match=r"^kernel part 'rogue' \(tests.rogue\) is part of 'core': "
                                          r"it must not implement tenon_plugin_info\(\)$"):
        plugmod.discover()
