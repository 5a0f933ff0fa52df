"""docs/plugins.md is true: its worked plugin is rebuilt from the guide alone, pip-installed,
installed on a site, used over HTTP and the CLI, tested with its own tests, and uninstalled.

Runs on SQLite, and on PostgreSQL when ``TENON_TEST_DATABASE_URL`` names a server (the site then
gets a fresh database there, dropped afterwards).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from packaging.version import Version
from sqlalchemy import create_engine, inspect, text

from tenon import PluginInfo, hookimpl
from tenon.core.events import Event, Subscriber, publish
from tenon.core.testing import _Postgres, backend_url, is_postgres
from tenon.testing import login_as, wait_for_outbox

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "plugins.md"
TENON = str(Path(sys.executable).with_name("tenon"))
FILE_BLOCK = re.compile(r"```\w*\n# file: (\S+)\n(.*?)```", re.S)
PASSWORD = "admin-pass-123"


def guide_files() -> dict[str, str]:
    """Every ``# file: <path>`` block of the guide: path -> text."""
    files: dict[str, str] = {}
    for path, body in FILE_BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        assert path not in files, f"{path} appears twice in the guide"
        files[path] = body
    return files


def write_dist(root: Path, files: dict[str, str], skip: tuple[str, ...] = ()) -> Path:
    for rel, body in files.items():
        if rel not in skip:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(body, encoding="utf-8")
    return root


def run(*args: str, env: dict[str, str], input: str | None = None, check: bool = True,
        cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(args), env=env, input=input, capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)
    if check:
        assert proc.returncode == 0, f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def plain_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENON_", "PYTEST_"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def maint_dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The guide's distribution, rebuilt from the guide and pip-installed into a target folder."""
    base = tmp_path_factory.mktemp("guide")
    src = write_dist(base / "tenon-maintenance", guide_files())
    target = base / "site-packages"
    args = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
            "--target", str(target), str(src)]
    if Version(version("setuptools")) >= Version("69"):  # else pip fetches setuptools>=69 into an isolated env
        args.insert(4, "--no-build-isolation")
    run(*args, env=plain_env(), timeout=300)
    assert (target / "tenon_maint" / "migrations" / "maint_0001_initial.py").exists()
    return src, target


def test_the_guide_shows_every_file_of_its_layout():
    files = guide_files()
    text_ = GUIDE.read_text(encoding="utf-8")
    layout = re.search(r"```\ntenon-maintenance/\n(.*?)```", text_, re.S)
    assert layout, "the guide shows the plugin's layout"
    listed = {line.split()[0] for line in layout.group(1).splitlines() if line.strip()}
    assert listed == set(files)
    assert 'maint = "tenon_maint.plugin"' in files["pyproject.toml"]


def test_the_guide_migration_is_what_dev_revision_writes(tmp_path):
    """The drift check of the guide itself: regenerating the first revision gives the shown file."""
    files = guide_files()
    migration = "tenon_maint/migrations/maint_0001_initial.py"
    src = write_dist(tmp_path / "src", files, skip=(migration,))
    dist_info = tmp_path / "src" / "tenon_maintenance-0.1.0.dist-info"  # what `pip install -e` provides
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: tenon-maintenance\nVersion: 0.1.0\n")
    (dist_info / "entry_points.txt").write_text("[tenon.plugins]\nmaint = tenon_maint.plugin\n")
    out = run(TENON, "dev", "revision", "maint", "-m", "initial", env=plain_env(PYTHONPATH=str(src)), cwd=tmp_path)
    written = Path(out.stdout.strip().splitlines()[-1])
    assert written == src / migration

    def stable(text_: str) -> str:
        return re.sub(r"Create Date: .*", "Create Date: -", text_)

    assert stable(written.read_text(encoding="utf-8")) == stable(files[migration])
    assert "depends_on: str | Sequence[str] | None = 'stock_0001'" in files[migration]
    assert "fk_maint_order_product_id_stock_product" in files[migration]


def test_the_worked_plugins_own_tests_pass(maint_dist):
    src, target = maint_dist
    env = plain_env(PYTHONPATH=str(target))
    if backend_url():
        env["TENON_TEST_DATABASE_URL"] = backend_url()  # type: ignore[assignment]
    proc = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning",
               env=env, cwd=src, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert re.search(r"\b4 passed\b", proc.stdout), proc.stdout[-2000:]


def test_login_as_gives_a_signed_in_client_of_a_new_user(make_app, make_client):
    app = make_app(plugins=[])
    auditor = login_as(make_client, app, "auditor", username="audrey")
    assert auditor.ok("{ me { username roles } }")["me"] == {"username": "audrey", "roles": ["auditor"]}
    nobody = login_as(make_client, app)
    assert nobody.error("{ users { totalCount } }")["extensions"]["code"] == "FORBIDDEN"


@contextlib.contextmanager
def database_url() -> Iterator[str | None]:
    """``None`` (the site's SQLite file) or a fresh PostgreSQL database, dropped afterwards."""
    if not is_postgres():
        yield None
        return
    pg = _Postgres(backend_url())  # type: ignore[arg-type]
    name = f"{pg.prefix}guide_{uuid.uuid4().hex[:8]}"
    pg.create(name)
    try:
        yield pg.url_for(name)
    finally:
        pg.drop(name)
        pg.admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """A small GraphQL client over real HTTP."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base, self.token = base, token

    def post(self, query: str, variables: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = httpx.post(f"{self.base}/graphql", json={"query": query, "variables": variables or {}},
                       headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def ok(self, query: str, variables: dict | None = None) -> dict:
        body = self.post(query, variables)
        assert not body.get("errors"), body
        return body["data"]

    def error(self, query: str, variables: dict | None = None) -> dict:
        body = self.post(query, variables)
        assert body.get("errors"), body
        return body["errors"][0]

    def login(self, username: str, password: str) -> Api:
        data = self.ok("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                       {"u": username, "p": password})
        return Api(self.base, data["login"]["token"])


@contextlib.contextmanager
def serving(site: Path, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    log = (site.parent / "serve.log").open("w")
    proc = subprocess.Popen([TENON, "--site", str(site), "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (site.parent / "serve.log").read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


CREATE = "mutation($i: MaintOrderCreateInput!) { maintOrderCreate(input: $i) { id number state } }"
ORDERS = """query($f: MaintOrderFilter, $o: MaintOrderOrder) { maintOrders(filter: $f, orderBy: $o) {
  totalCount nodes { number state partsReceipt createdBy } } }"""
ON_PRODUCT = "query($id: ID!) { product(id: $id) { code maintenanceOrders { number state } } }"


def test_the_worked_plugin_installs_serves_and_uninstalls(maint_dist, tmp_path):
    _src, target = maint_dist
    env = plain_env(PYTHONPATH=str(target))
    site = tmp_path / "site"
    tenon = (TENON, "--site", str(site))
    with database_url() as url:
        init = [*tenon, "init", "--bare", "--admin-password", PASSWORD] + (["--database-url", url] if url else [])
        run(*init, env=env)
        run(*tenon, "plugins", "install", "maint", env=env)  # stock first, as maint depends on it
        assert run(*tenon, "dev", "check", env=env).stdout.strip().endswith("models and database agree")

        with serving(site, env) as base:
            anon = Api(base)
            admin = anon.login("admin", PASSWORD)
            product = admin.ok('mutation { productCreate(input: {name: "Spindle", code: "SP-1"}) { id } }')[
                "productCreate"]["id"]
            for user, role in (("tina", "maint_tech"), ("sam", "maint_supervisor"), ("pat", "planner")):
                admin.ok("mutation($i: UserCreateInput!) { userCreate(input: $i) { username } }",
                         {"i": {"username": user, "password": f"{user}-pass-123", "roles": [role]}})
            tina, sam, pat = (anon.login(u, f"{u}-pass-123") for u in ("tina", "sam", "pat"))

            first = tina.ok(CREATE, {"i": {"productId": product, "description": "replace bearing"}})["maintOrderCreate"]
            assert (first["number"], first["state"]) == ("MO-0001", "open")
            second = tina.ok(CREATE, {"i": {"productId": product, "description": "oil change"}})["maintOrderCreate"]
            assert second["number"] == "MO-0002"
            assert tina.error(CREATE, {"i": {"productId": "0", "description": "x"}})["extensions"] == {
                "code": "VALIDATION", "field": "productId"}
            assert tina.error(CREATE, {"i": {"productId": "99999", "description": "x"}})["extensions"] == {
                "code": "NOT_FOUND", "field": "productId"}
            assert pat.error(CREATE, {"i": {"productId": product, "description": "x"}})["extensions"]["code"] == "FORBIDDEN"

            tina.ok("mutation($id: ID!) { maintOrderStart(id: $id) { state } }", {"id": first["id"]})
            started = tina.ok(ORDERS, {"f": {"state": "in_progress"}})["maintOrders"]
            assert started["totalCount"] == 1 and started["nodes"][0]["number"] == "MO-0001"
            assert started["nodes"][0]["createdBy"] == "tina"
            newest = tina.ok(ORDERS, {"o": {"field": "NUMBER", "direction": "DESC"}})["maintOrders"]["nodes"]
            assert [n["number"] for n in newest] == ["MO-0002", "MO-0001"]

            # the field on stock's Product, with its own access check
            seen = tina.ok(ON_PRODUCT, {"id": product})["product"]
            assert seen == {"code": "SP-1", "maintenanceOrders": [{"number": "MO-0001", "state": "in_progress"},
                                                                   {"number": "MO-0002", "state": "open"}]}
            body = pat.post(ON_PRODUCT, {"id": product})
            assert body["data"]["product"] == {"code": "SP-1", "maintenanceOrders": None}
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            assert body["errors"][0]["path"] == ["product", "maintenanceOrders"]

            # the workflow, the policy and the INVALID_STATE error
            close = "mutation($id: ID!) { maintOrderClose(id: $id) { state } }"
            assert tina.error(close, {"id": first["id"]})["extensions"]["code"] == "FORBIDDEN"
            assert sam.ok(close, {"id": first["id"]})["maintOrderClose"]["state"] == "closed"
            again = sam.error(close, {"id": first["id"]})
            assert again["extensions"]["code"] == "INVALID_STATE"
            assert again["extensions"]["details"]["allowedFrom"] == ["in_progress", "open"]
            restart = sam.error("mutation($id: ID!) { maintOrderStart(id: $id) { state } }", {"id": first["id"]})
            assert restart["extensions"]["code"] == "INVALID_STATE"

            # the after-commit subscriber: a receipt of the product is noted on the unfinished order
            receipt = admin.ok("mutation($i: ReceiptCreateInput!) { receiptCreate(input: $i) { number } }",
                               {"i": {"lines": [{"productId": product, "quantity": "3"}], "validate": True}})
            number = receipt["receiptCreate"]["number"]
            deadline = time.monotonic() + 20
            while True:
                nodes = {n["number"]: n for n in tina.ok(ORDERS)["maintOrders"]["nodes"]}
                if nodes["MO-0002"]["partsReceipt"] is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert nodes["MO-0002"]["partsReceipt"] == number
            assert nodes["MO-0001"]["partsReceipt"] is None, "closed orders are left alone"

        cli = run(*tenon, "maint", "open", env=env).stdout.splitlines()
        assert cli == [f"MO-0002 open product={product} oil change", "1 open maintenance order(s)"]

        removed = run(*tenon, "plugins", "uninstall", "maint", "--yes", env=env).stdout
        for shown in ("maint_order: 2 row(s)", "g, user:tina, maint_tech", "p, maint_tech, stock.product, read, *",
                      "sequences (1): maint.order", "uninstalled: maint"):
            assert shown in removed, removed

        engine = create_engine(url or f"sqlite:///{site / 'tenon.db'}")
        try:
            assert not inspect(engine).has_table("maint_order")
            assert inspect(engine).has_table("stock_product"), "its dependency stays"
            with engine.connect() as c:
                rules = c.execute(text("SELECT ptype, v0, v1, v2 FROM core_casbin_rule")).all()
                leftovers = [r for r in rules if any("maint" in (v or "") for v in r[1:])]
                assert leftovers == [], leftovers
                assert ("g", "user:pat", "planner") in {tuple(r[:3]) for r in rules}, "other roles stay"
                assert c.execute(text("SELECT count(*) FROM core_sequence WHERE code LIKE 'maint.%'")).scalar() == 0
                assert c.execute(text(
                    "SELECT count(*) FROM core_sequence_counter WHERE code LIKE 'maint.%'")).scalar() == 0
                assert c.execute(text(
                    "SELECT count(*) FROM core_outbox WHERE subscriber LIKE 'maint.%'")).scalar() == 0
                assert c.execute(text("SELECT count(*) FROM core_plugin WHERE name = 'maint'")).scalar() == 0
                assert c.execute(text("SELECT count(*) FROM core_user WHERE username = 'tina'")).scalar() == 1
        finally:
            engine.dispose()
        sdl = run(*tenon, "schema", env=env).stdout
        assert "type Product" in sdl
        for gone in ("maintOrders", "maintenanceOrders", "MaintenanceOrder", "maintOrderCreate"):
            assert gone not in sdl
    shutil.rmtree(site, ignore_errors=True)


@dataclass(frozen=True)
class PingSent(Event):
    """A ping was sent (test event of the wait_for_outbox test)."""

    name: ClassVar[str] = "pinger.ping.sent"
    ok: bool


class Pinger:
    """A plugin whose subscriber fails on pings that are not ok."""

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="pinger", version="0.1.0")

    @hookimpl
    def tenon_events(self, app):
        return [PingSent]

    @hookimpl
    def tenon_event_subscribers(self, app):
        return [Subscriber(PingSent, self.on_ping, name="pinger.on_ping")]

    @staticmethod
    def on_ping(session, event):
        if not event.ok:
            raise RuntimeError("ping refused")


def test_wait_for_outbox_returns_once_delivered_and_names_what_is_stuck(make_app):
    app = make_app(plugins=["pinger"], extra_plugins=[Pinger()])
    with app.transaction() as session:
        publish(session, PingSent(ok=True))
    wait_for_outbox(app, timeout=5)
    with app.transaction() as session:
        publish(session, PingSent(ok=False))
    with pytest.raises(AssertionError, match=r"pinger\.ping\.sent -> pinger\.on_ping: RuntimeError: ping refused"):
        wait_for_outbox(app, timeout=0.3)
