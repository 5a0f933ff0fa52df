"""Mutation benchmark: the make-to-stock loop over HTTP, server CPU and SQL statements per mutation,
next to the plain-SQL floor (the same rows written with SQLAlchemy Core in the same transactions).

What it does (bounded; loopback only; stops by itself), for each source tree given (this checkout,
and with ``--baseline DIR`` another one, e.g. ``git archive main | tar -x -C /tmp/base``):

1. creates a demo site (``tenon demo``'s data) on SQLite in a temporary directory, or on PostgreSQL
   with ``--database-url postgresql+psycopg://postgres@127.0.0.1:5432/`` (a database per run);
2. keeps a copy of the database as it is before the loop (file copy / ``CREATE DATABASE ... TEMPLATE``);
3. serves the site with uvicorn in a subprocess running that tree's code (one worker, a listener bound
   with ``IPPROTO_TCP`` so no run waits on delayed ACKs), with a ``/bench/stats`` route reporting the
   server's process CPU time and the statements run on the request engine, and recording every
   INSERT/UPDATE/DELETE of each committed request transaction;
4. runs ``--orders`` times, one client, keep-alive: create an order with 1-3 lines (rep), confirm
   (rep), ship (clerk), pick, confirm the shipment (clerk), close (rep): 6 mutations, one commit each;
5. replays the recorded writes, transaction by transaction, with plain SQLAlchemy Core
   (``exec_driver_sql``) on the copy from step 2: the floor;
6. prints per mutation kind the median server CPU and statement count, per order the loop's wall
   time and the floor's, and the ratios between the trees.

``--workers-check`` also runs the loop with two clients (two processes) against ``tenon serve
--workers 1`` and ``--workers 2`` of each tree (orders/s; the ratio is what several workers buy).

The clients use the standard library's ``http.client`` (``BENCH_CLIENT=httpx`` for httpx, which the
bench used before): on a 2-core machine the client shares the cores with the server and the database,
so a lighter client leaves the figures to the server.

Figures depend on the machine and on what else runs on it; compare rows of one run, not runs.

Usage::

    .venv/bin/python bench/mutations.py [--orders 40] [--baseline /tmp/base [--baseline-server h11:asyncio]]
                                        [--database-url URL] [--compare-http] [--py-spy [--gil]] [--workers-check]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KINDS = ("salesOrderCreate", "salesOrderConfirm", "salesOrderShip", "shipmentPick", "shipmentConfirm",
         "salesOrderClose")

CREATE = """mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { id number state } }"""
CONFIRM = "mutation($id: ID!) { salesOrderConfirm(id: $id) { id state } }"
SHIP = "mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id number state } }"
PICK = "mutation($id: ID!) { shipmentPick(id: $id) { id state } }"
CONFIRM_SHIPMENT = "mutation($id: ID!) { shipmentConfirm(id: $id) { id state } }"
CLOSE = "mutation($id: ID!) { salesOrderClose(id: $id) { id state } }"


# --------------------------------------------------------------------------------- child processes


def _build(site: str, database_url: str | None) -> None:
    """(child, run with the tree's code) a demo site at ``site``."""
    from tenon.core.demo import load_demo
    from tenon.core.installer import init_site

    app = init_site(site, database_url=database_url)
    load_demo(app)
    app.dispose()


def _serve(site: str, port: int, record: str, profile: str | None) -> None:
    """(child, run with the tree's code) serve ``site`` with the stats route; writes go to ``record``."""
    import uvicorn
    from litestar import get, post
    from sqlalchemy import event

    from tenon.core.kernel import Tenon
    from tenon.core.site import Site
    from tenon.graphql.app import create_app

    tenon = Tenon(Site.load(site))
    counter = [0]
    committed: list[list[tuple[str, Any]]] = []
    # the engines requests use: the sync request engine (where the tree has one) and the async engine
    engines = [tenon.async_engine.sync_engine]
    if hasattr(type(tenon), "request_engine"):
        engines.append(tenon.request_engine)

    def count(conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if context is not None and context.execution_options.get("tenon_housekeeping"):
            return  # the server's once-a-second plugin-set check belongs to no request
        counter[0] += 1
        conn.info.setdefault("bench_writes", []).append((statement, parameters))

    def on_commit(conn: Any) -> None:
        writes = conn.info.pop("bench_writes", None)
        if writes:
            committed.append(writes)

    def on_rollback(conn: Any) -> None:
        conn.info.pop("bench_writes", None)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
        event.listen(engine, "commit", on_commit)
        event.listen(engine, "rollback", on_rollback)

    @get("/bench/stats", sync_to_thread=False)
    def stats() -> dict[str, float]:
        return {"statements": counter[0], "cpu": time.process_time()}

    @post("/bench/dump", sync_to_thread=False)
    def dump() -> dict[str, int]:
        with open(record, "wb") as fh:
            pickle.dump(committed, fh)
        return {"transactions": len(committed)}

    app = create_app(tenon)
    app.register(stats)
    app.register(dump)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", http=os.environ.get("BENCH_HTTP", "auto"),
                                           loop=os.environ.get("BENCH_LOOP", "auto")))
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            server.run(sockets=[sock])
        finally:
            profiler.disable()
            profiler.dump_stats(profile)
    else:
        server.run(sockets=[sock])


# ------------------------------------------------------------------------------------------ helpers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tree: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "TENON_LOG_LEVEL": "WARNING"}
    env.pop("TENON_DATABASE_URL", None)
    if database_url:
        env["TENON_DATABASE_URL"] = database_url
    return env


def _wait(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


class Client:
    """A keep-alive GraphQL client on the standard library's ``http.client`` (one connection, the
    request in one send, ``TCP_NODELAY``): it costs the shared machine's cores a fraction of what
    httpx does per request, so the figures are the server's (``BENCH_CLIENT=httpx`` for httpx)."""

    def __init__(self, base: str) -> None:
        from urllib.parse import urlsplit

        url = urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.httpx = None
        if os.environ.get("BENCH_CLIENT") == "httpx":
            import httpx

            self.httpx = httpx.Client(base_url=base, timeout=60)
        self.conn: Any = None
        self.token: str | None = None

    def _request(self, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> Any:
        headers = {**(headers or {}), **({"Content-Type": "application/json"} if body is not None else {})}
        if self.httpx is not None:
            return self.httpx.request(method, path, content=body, headers=headers).json()
        import http.client

        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again, once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.connect()
                self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                return json.loads(self.conn.getresponse().read())
            except (http.client.RemoteDisconnected, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def __call__(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token or self.token}"} if (token or self.token) else {}
        body = self._request("POST", "/graphql", json.dumps({"query": query, "variables": variables}).encode(),
                             headers)
        if body.get("errors"):
            raise RuntimeError(f"{query[:60]}...: {body['errors'][0]}")
        return body["data"]

    def login(self, username: str) -> str:
        data = self("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                    u=username, p=f"{username}-demo")
        return data["login"]["token"]

    def stats(self) -> dict[str, float]:
        return self._request("GET", "/bench/stats")

    def dump(self) -> dict[str, int]:
        return self._request("POST", "/bench/dump", b"{}")


def _setup(client: Client) -> dict[str, Any]:
    rep, clerk = client.login("rep_east"), client.login("clerk")
    customer = client("{ customers(first: 1) { nodes { id } } }", rep)["customers"]["nodes"][0]["id"]
    # the three products with the most stock in one internal location
    rows = client("""{ stockLevels(first: 100) { nodes { available product { id code }
                        location { id code } } } }""", clerk)["stockLevels"]["nodes"]
    by_location: dict[str, list[tuple[float, str]]] = {}
    for row in rows:
        by_location.setdefault(row["location"]["id"], []).append((float(row["available"]), row["product"]["id"]))
    location, products = max(by_location.items(), key=lambda kv: sorted(kv[1], reverse=True)[:3])
    products = [p for _q, p in sorted(products, reverse=True)[:3]]
    return {"rep": rep, "clerk": clerk, "customer": customer, "location": location, "products": products}


def _one_order(client: Client, ctx: dict[str, Any], i: int, timed: dict[str, list[tuple[float, float]]] | None
               ) -> None:
    rep, clerk = ctx["rep"], ctx["clerk"]
    lines = [{"productId": p, "quantity": "1", "unitPrice": "10.00"} for p in ctx["products"][: 1 + i % 3]]

    def call(kind: str, query: str, token: str, **variables: Any) -> dict[str, Any]:
        if timed is None:
            return client(query, token, **variables)[kind]
        before = client.stats()
        data = client(query, token, **variables)[kind]
        after = client.stats()
        timed.setdefault(kind, []).append((after["cpu"] - before["cpu"], after["statements"] - before["statements"]))
        return data

    order = call("salesOrderCreate", CREATE, rep, i={"customerId": ctx["customer"], "customerReference": f"B-{i}",
                                                       "lines": lines})
    call("salesOrderConfirm", CONFIRM, rep, id=order["id"])
    shipment = call("salesOrderShip", SHIP, clerk, i={"orderId": order["id"], "fromLocationId": ctx["location"]})
    call("shipmentPick", PICK, clerk, id=shipment["id"])
    call("shipmentConfirm", CONFIRM_SHIPMENT, clerk, id=shipment["id"])
    call("salesOrderClose", CLOSE, rep, id=order["id"])


# --------------------------------------------------------------------------------------- databases


class Database:
    """One run's database and its pre-loop copy (SQLite files or PostgreSQL databases)."""

    def __init__(self, root: Path, name: str, server_url: str | None) -> None:
        self.name, self.server_url, self.dir = name, server_url, root / name
        self.copies: list[str] = []
        if server_url:
            from sqlalchemy.engine import make_url

            self.base = make_url(server_url)
            self.url: str | None = self.base.set(database=f"bench_mut_{name}").render_as_string(False)
            self.copy_url = self.base.set(database=f"bench_mut_{name}_floor").render_as_string(False)
            self._admin(f'DROP DATABASE IF EXISTS "bench_mut_{name}" WITH (FORCE)',
                        f'CREATE DATABASE "bench_mut_{name}"')
        else:
            self.url = None
            self.copy_url = f"sqlite:///{root / (name + '-floor.db')}"

    def _admin(self, *statements: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            for s in statements:
                c.execute(text(s))
        engine.dispose()

    def snapshot(self) -> None:
        """Keep the database as it is now (before the loop)."""
        if self.server_url:
            self._admin(f'DROP DATABASE IF EXISTS "bench_mut_{self.name}_floor" WITH (FORCE)',
                        f'CREATE DATABASE "bench_mut_{self.name}_floor" TEMPLATE "bench_mut_{self.name}"')
        else:
            db = next(self.dir.glob("*.db"))
            shutil.copy(db, self.copy_url.removeprefix("sqlite:///"))

    def fresh(self, n: int) -> str:
        """A new copy of the snapshot; its URL."""
        if self.server_url:
            name = f"bench_mut_{self.name}_floor{n}"
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                        f'CREATE DATABASE "{name}" TEMPLATE "bench_mut_{self.name}_floor"')
            self.copies.append(name)
            return self.base.set(database=name).render_as_string(False)
        target = self.copy_url.removeprefix("sqlite:///").replace(".db", f"{n}.db")
        shutil.copy(self.copy_url.removeprefix("sqlite:///"), target)
        return f"sqlite:///{target}"

    def drop(self) -> None:
        if self.server_url:
            self._admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in
                          [f"bench_mut_{self.name}", f"bench_mut_{self.name}_floor", *self.copies]))


_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _writes(statement: str) -> bool:
    """Whether a recorded statement writes: an INSERT, UPDATE or DELETE, or a ``WITH`` whose parts do
    (the audit's one-statement head move and entries on PostgreSQL)."""
    head = statement.lstrip()[:6].upper()
    return head in ("INSERT", "UPDATE", "DELETE") or (head.startswith("WITH") and bool(_WRITE.search(statement)))


def replay(url: str, before: list[list[tuple[str, Any]]], timed: list[list[tuple[str, Any]]],
           writes_only: bool) -> tuple[float, float]:
    """The floor: the recorded writes, one transaction each, through SQLAlchemy Core on the pre-loop
    copy (so generated ids come out the same); ``before`` untimed, then ``timed``; (wall s, CPU s)."""
    from tenon.core.db import make_engine

    engine = make_engine(url)

    def run(transactions: list[list[tuple[str, Any]]]) -> None:
        for statements in transactions:
            with engine.begin() as c:
                for statement, parameters in statements:
                    if writes_only and not _writes(statement):
                        continue
                    result = c.exec_driver_sql(statement, parameters)
                    if result.returns_rows:
                        result.all()

    run(before)
    wall, cpu = time.perf_counter(), time.process_time()
    run(timed)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine.dispose()
    return wall, cpu


# ----------------------------------------------------------------------------------------- one run


class Run:
    """One tree's site, server and figures."""

    def __init__(self, label: str, tree: Path, root: Path, args: argparse.Namespace, http: str = "auto:auto") -> None:
        self.label, self.tree, self.root, self.args = label, tree, root, args
        self.db = Database(root, label, args.database_url)
        subprocess.run([sys.executable, __file__, "--build", str(self.db.dir),
                        *(["--url", self.db.url] if self.db.url else [])], env=_env(tree), check=True, cwd=root)
        self.db.snapshot()
        port, self.record, log = _free_port(), root / f"{label}.writes", root / f"{label}.log"
        self.profile = str(root / f"{label}.prof") if args.profile else None
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(self.db.dir), str(port),
                                          str(self.record), *(["--profile-to", self.profile] if self.profile else [])],
                                         env={**_env(tree), "BENCH_HTTP": http.split(":")[0],
                                              "BENCH_LOOP": http.split(":")[1]}, stdout=fh,
                                         stderr=subprocess.STDOUT, cwd=root)
        base = f"http://127.0.0.1:{port}"
        _wait(base, self.proc, log)
        self.client = Client(base)
        self.ctx = _setup(self.client)
        self.timed: dict[str, list[tuple[float, float]]] = {}
        self.loop_seconds = 0.0
        self.stacks = root / f"{label}.stacks" if args.py_spy else None
        self.spy: subprocess.Popen[bytes] | None = None

    def order(self, i: int, timed: bool) -> None:
        started = time.perf_counter()
        _one_order(self.client, self.ctx, i, self.timed if timed else None)
        if not timed:
            self.loop_seconds += time.perf_counter() - started

    def finish(self) -> dict[str, Any]:
        args = self.args
        try:
            self.client.dump()
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        with open(self.record, "rb") as fh:
            transactions = pickle.load(fh)
        # the last loop's 6 committed transactions per order are timed; everything before is replayed first
        writing = [t for t in transactions if any(_writes(s) for s, _p in t)]
        floor = writing[-6 * args.orders:]
        floor_wall, floor_cpu = replay(self.db.fresh(1), writing[: -6 * args.orders], floor, True)
        # again from the pre-loop state: every statement (reads too) of the same transactions
        all_wall, _cpu = replay(self.db.fresh(2), writing[: -6 * args.orders], floor, False)
        self.db.drop()
        return {"label": self.label, "timed": self.timed, "stacks": self.stacks, "profile": self.profile,
                "loop_wall": self.loop_seconds / args.orders, "floor_wall": floor_wall / args.orders,
                "floor_cpu": floor_cpu / args.orders,
                "floor_statements": sum(1 for t in floor for s, _p in t if _writes(s)) / args.orders,
                "all_wall": all_wall / args.orders, "all_statements": sum(len(t) for t in floor) / args.orders}


def run_trees(trees: list[tuple[str, Path, str]], root: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every tree's server up at once; orders alternate between them, so load on the machine hits all alike."""
    runs: list[Run] = []
    try:
        for label, tree, http in trees:
            runs.append(Run(label, tree, root, args, http))
        for i in range(args.warmup):
            for r in runs:
                r.order(i, timed=False)
        for r in runs:
            r.loop_seconds = 0.0
            if args.py_spy:
                r.spy = _start_py_spy(r.proc.pid, r.stacks, gil=args.gil)  # type: ignore[arg-type]
        for i in range(args.orders):
            for r in runs:
                r.order(i, timed=True)
        for r in runs:
            if r.spy is not None:
                r.spy.send_signal(2)
                r.spy.wait(timeout=60)
        for i in range(args.orders):  # wall time without the stats calls
            for r in runs[::1 if i % 2 else -1]:
                r.order(i, timed=False)
        return [r.finish() for r in runs]
    finally:
        for r in runs:
            if r.proc.poll() is None:
                r.proc.terminate()


def _start_py_spy(pid: int, out: Path, gil: bool = False) -> subprocess.Popen[bytes]:
    spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--rate", "250",
                            "--format", "raw", "--output", str(out), "--threads", "--nonblocking",
                            *(["--gil"] if gil else [])],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached
    return spy


BUCKETS = (("sqlalchemy", "sqlalchemy/"), ("aiosqlite + sqlite3", "aiosqlite/"), ("aiosqlite + sqlite3", "sqlite3/"),
           ("psycopg", "psycopg/"), ("graphql-core", "graphql/"), ("strawberry", "strawberry/"),
           ("uvicorn/h11/httptools", "uvicorn/"), ("uvicorn/h11/httptools", "h11/"),
           ("uvicorn/h11/httptools", "httptools/"), ("litestar", "litestar/"), ("casbin", "casbin/"),
           ("greenlet", "greenlet"), ("tenon", "tenon/"), ("asyncio", "asyncio/"), ("json/msgspec", "json/"),
           ("json/msgspec", "msgspec"))


def summarize_stacks(path: Path, top: int = 12) -> list[str]:
    """Self time by package (the innermost frame's package) and the top functions, from py-spy raw stacks."""
    import collections

    by_bucket: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if len(frames) < 2 or "idle" in frames[-1] or "select (selectors.py" in frames[-1] \
                or "wait (threading.py" in stack and "to_thread" not in stack and "deliver" not in stack:
            continue
        n = int(count)
        total += n
        leaf = frames[-1]
        bucket = next((name for name, needle in BUCKETS if needle in leaf), "other")
        by_bucket[bucket] += n
        by_function[leaf.split(" (")[0] + " (" + leaf.split("/")[-1]] += n
    lines = [f"busy samples {total}; self time by package:"]
    lines += [f"  {name:<24}{100 * n / max(total, 1):5.1f}%" for name, n in by_bucket.most_common()]
    lines.append("top functions (self):")
    lines += [f"  {100 * n / max(total, 1):5.1f}%  {name}" for name, n in by_function.most_common(top)]
    return lines


def workers_check(label: str, tree: Path, root: Path, args: argparse.Namespace) -> dict[int, float]:
    """orders/s with two clients against ``tenon serve --workers 1`` and ``--workers 2`` of ``tree``."""
    db = Database(root, f"{label}_w", args.database_url)
    site = db.dir
    subprocess.run([sys.executable, __file__, "--build", str(site), *(["--url", db.url] if db.url else [])],
                   env=_env(tree), check=True, cwd=root)
    tenon = Path(sys.executable).with_name("tenon")
    result: dict[int, float] = {}
    for workers in (1, 2):
        port, log = _free_port(), root / f"{label}-w{workers}.log"
        with open(log, "wb") as fh:
            proc = subprocess.Popen([str(tenon), "--site", str(site), "serve", "--port", str(port), "--workers",
                                     str(workers)], env=_env(tree), stdout=fh, stderr=subprocess.STDOUT, cwd=root)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, proc, log)
            time.sleep(1.0 if workers > 1 else 0)  # every worker is up
            ctx = _setup(Client(base))
            for i in range(2):
                _one_order(Client(base), ctx, i, None)
            import multiprocessing

            # each client in its own process: two client threads would share one GIL, and the
            # second worker would wait on the client instead of on the server
            forked = multiprocessing.get_context("fork")
            done = forked.Value("i", 0)

            def client_loop(n: int) -> None:
                c = Client(base)
                for i in range(args.workers_orders):
                    _one_order(c, ctx, n * 1000 + i, None)
                    with done.get_lock():
                        done.value += 1

            started = time.perf_counter()
            clients = [forked.Process(target=client_loop, args=(n,)) for n in range(2)]
            for c in clients:
                c.start()
            for c in clients:
                c.join()
                if c.exitcode != 0:
                    raise SystemExit(f"a client of the workers check failed (exit code {c.exitcode})")
            result[workers] = done.value / (time.perf_counter() - started)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    db.drop()
    return result


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(runs: list[dict[str, Any]], workers: dict[str, dict[int, float]]) -> None:
    print("\nserver CPU per mutation (ms, median) and SQL statements per mutation (request engine)")
    header = f"{'mutation':<20}" + "".join(f"{r['label'] + ' ms':>14}{r['label'] + ' stmts':>14}" for r in runs)
    print(header)
    for kind in KINDS:
        cells = ""
        for r in runs:
            samples = r["timed"].get(kind, [])
            cells += f"{_median([c for c, _s in samples]) * 1000:>14.2f}{_median([s for _c, s in samples]):>14.0f}"
        print(f"{kind:<20}{cells}")
    print(f"{'per mutation (mean)':<20}" + "".join(
        f"{statistics.mean(c for v in r['timed'].values() for c, _s in v) * 1000:>14.2f}"
        f"{statistics.mean(s for v in r['timed'].values() for _c, s in v):>14.1f}" for r in runs))
    print("\nper order (6 mutations)")
    for r in runs:
        print(f"  {r['label']:<10} loop {r['loop_wall'] * 1000:7.1f} ms ({1 / r['loop_wall']:5.1f} orders/s)   "
              f"floor {r['floor_wall'] * 1000:6.1f} ms ({r['floor_statements']:.0f} write statements, "
              f"CPU {r['floor_cpu'] * 1000:.1f} ms)   loop/floor {r['loop_wall'] / r['floor_wall']:.2f}x")
        print(f"  {'':<10} every statement of the same transactions replayed through Core: "
              f"{r['all_wall'] * 1000:.1f} ms ({r['all_statements']:.0f} statements)   "
              f"loop/that {r['loop_wall'] / r['all_wall']:.2f}x")
    if len(runs) == 2:
        a, b = runs
        cpu = [statistics.mean(c for v in r["timed"].values() for c, _s in v) for r in runs]
        print(f"\n{b['label']} vs {a['label']}: server CPU per mutation {cpu[1] / cpu[0]:.2f}x, "
              f"loop wall per order {b['loop_wall'] / a['loop_wall']:.2f}x")
    for label, figures in workers.items():
        print(f"\n{label}: 2 clients, orders/s: --workers 1 {figures[1]:.2f}, --workers 2 {figures[2]:.2f} "
              f"({figures[2] / figures[1]:.2f}x)")
    for r in runs:
        if r.get("stacks"):
            print(f"\npy-spy, {r['label']} server during the measured loop:")
            print("\n".join(summarize_stacks(r["stacks"])))
    for r in runs:
        if r["profile"]:
            print(f"profile of {r['label']}: {r['profile']} (python -m pstats)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=40, help="measured orders per run")
    parser.add_argument("--warmup", type=int, default=5, help="orders before measuring")
    parser.add_argument("--baseline", type=Path, help="another source tree to measure side by side")
    parser.add_argument("--baseline-server", default="auto:auto", metavar="HTTP:LOOP",
                        help="uvicorn's http and loop for the baseline (h11:asyncio for a tree from before "
                             "httptools and uvloop were dependencies); default auto:auto, as this tree")
    parser.add_argument("--database-url", help="PostgreSQL server URL (a database per run); default SQLite")
    parser.add_argument("--profile", action="store_true", help="cProfile each server (written to the temp dir)")
    parser.add_argument("--compare-http", action="store_true", help="this tree served with h11 on asyncio's loop and with httptools on "
                                                                      "uvloop (what uvicorn picks when both are installed)")
    parser.add_argument("--py-spy", action="store_true", help="sample each server with py-spy during the loop")
    parser.add_argument("--gil", action="store_true",
                        help="with --py-spy: sample only the thread holding the GIL (Python's own CPU: waits on "
                             "sockets and SQLite's C work, which release it, drop out)")
    parser.add_argument("--workers-check", action="store_true", help="also compare --workers 1 and 2")
    parser.add_argument("--workers-orders", type=int, default=20, help="orders per client in the workers check")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    # internal: child processes
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        return _build(args.build, args.url)
    if args.serve:
        site, port, record = args.serve
        return _serve(site, int(port), record, args.profile_to)

    trees = [("baseline", args.baseline.resolve(), args.baseline_server)] if args.baseline else []
    if args.compare_http:
        trees = [("h11+asyncio", REPO, "h11:asyncio"), ("httptools+uvloop", REPO, "httptools:uvloop")]
    else:
        trees.append(("current", REPO, "auto:auto"))
    root = Path(tempfile.mkdtemp(prefix="tenon-bench-mut-"))
    try:
        runs = run_trees(trees, root, args)
        workers = ({label: workers_check(label, tree, root, args) for label, tree, _http in trees}
                   if args.workers_check else {})
        report(runs, workers)
    finally:
        if args.keep or args.profile:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
