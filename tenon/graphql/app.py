"""``create_app``: the Litestar application serving ``/graphql`` and ``/health``."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import Headers, State
from litestar.response import Response
from litestar.types import Scope
from sqlalchemy import text
from sqlalchemy.orm import Session
from strawberry.litestar import make_graphql_controller

from tenon.core.access import site_versions
from tenon.core.events import deliver_outbox
from tenon.core.kernel import Tenon
from tenon.core.site import Site
from tenon.graphql.body import json_body_guard
from tenon.graphql.compose import build_schema
from tenon.graphql.context import Context
from tenon.graphql.http import bearer_token

log = logging.getLogger("tenon.graphql")
OUTBOX_INTERVAL = 5.0


def create_app(tenon: Tenon, *, debug: bool = False) -> Litestar:
    """Build the HTTP app for an opened site.

    :param tenon: the site with its plugin set (``Tenon(Site.load(...))``).
    :param debug: Litestar debug mode (never in production).
    """
    from tenon.graphql.kernel.attachments import download_attachment

    schema = build_schema(tenon)
    site = tenon.site

    with tenon.transaction() as s:
        tenon.plugins_version = site_versions(s)[1]  # type: ignore[attr-defined]

    def reload_plugins(version: int) -> None:
        """Follow ``tenon plugins install/uninstall`` on a running server: reload the plugin set and
        swap the schema. New plugins' plain HTTP routes still need a restart."""
        tenon.load(list(tenon.installed_versions()))
        controller.schema = build_schema(tenon)
        tenon.plugins_version = version  # type: ignore[attr-defined]
        log.info("plugin set changed (version %s): now %s", version, ", ".join(tenon.plugins))

    check_every = float(site.setting("api", "plugin_check_seconds"))
    last_check = [time.monotonic()]

    async def follow_plugin_set() -> None:
        # before validation: a query for a just-installed field must meet the new schema
        now = time.monotonic()
        if now - last_check[0] < check_every:
            return
        last_check[0] = now
        async with tenon.async_engine.connect() as conn:
            version = await conn.run_sync(lambda c: site_versions(Session(bind=c))[1])
        if version != tenon.plugins_version:  # type: ignore[attr-defined]
            reload_plugins(version)

    async def get_context(state: State, scope: Scope) -> Context:
        headers = Headers.from_scope(scope)
        request_id = (headers.get("x-request-id") or uuid.uuid4().hex)[:64]
        await follow_plugin_set()
        return Context(
            tenon=state.tenon,
            token=bearer_token(headers),
            request_id=request_id,
            idempotency_key=(headers.get("idempotency-key") or None),
            loader_factories=controller.schema.loader_factories,
        )

    controller = make_graphql_controller(
        schema,
        path="/graphql",
        context_getter=get_context,
        graphql_ide="graphiql" if site.setting("api", "graphiql") else None,
        multipart_uploads_enabled=True,
    )

    @get("/health")
    async def health(state: State) -> Response[dict[str, Any]]:
        tenon_: Tenon = state.tenon
        body: dict[str, Any] = {"ok": True}
        try:
            async with tenon_.async_engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            body["database"] = {"ok": True, "dialect": tenon_.async_engine.dialect.name}
        except Exception as exc:  # health must answer, not raise
            body["ok"] = False
            body["database"] = {"ok": False, "error": str(exc).splitlines()[0]}
        body["plugins"] = {name: c.info.version for name, c in tenon_.plugins.items()}
        checks = {}
        for impl in tenon_.pm.hook.tenon_health.get_hookimpls():
            try:
                checks[impl.plugin_name] = impl.function(**({"app": tenon_} if "app" in impl.argnames else {}))
            except Exception as exc:
                checks[impl.plugin_name] = {"ok": False, "error": str(exc)}
        if checks:
            body["checks"] = checks
            if any(isinstance(c, dict) and c.get("ok") is False for c in checks.values()):
                body["ok"] = False
        return Response(body, status_code=200 if body["ok"] else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        tenon.outbox_kick = lambda: loop.call_soon_threadsafe(wake.set)  # type: ignore[attr-defined]

        async def outbox_worker() -> None:
            while True:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=OUTBOX_INTERVAL)
                wake.clear()
                try:
                    await asyncio.to_thread(deliver_outbox, tenon)
                except Exception:  # keep delivering later; the rows stay in the outbox
                    log.exception("outbox delivery failed")

        task = asyncio.create_task(outbox_worker())
        # Move the long-lived startup objects (schema, models, plugins) out of the GC's
        # reach: full collections over them stalled requests ~90 ms every ~10 requests.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if tenon._async_engine is not None:
                await tenon._async_engine.dispose()
                tenon._async_engine = None
                tenon.__dict__.pop("_async_sessionmaker", None)

    plugin_routes = [r for _plugin, routes in tenon.call("tenon_http_routes", app=tenon) for r in routes]
    return Litestar(
        route_handlers=[controller, health, download_attachment, *plugin_routes],
        state=State({"tenon": tenon}),
        lifespan=[lifespan],
        middleware=[json_body_guard(int(site.setting("uploads", "max_bytes")) + 1024 * 1024)],
        debug=debug,
        request_max_body_size=int(site.setting("uploads", "max_bytes")) + 1024 * 1024,
    )


def app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory``: the site from ``$TENON_SITE``."""
    logging.basicConfig(level=os.environ.get("TENON_LOG_LEVEL", "INFO"))
    return create_app(Tenon(Site.load(os.environ.get("TENON_SITE"))))
