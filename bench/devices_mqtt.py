"""devices benchmark: machine messages per second through the MQTT bridge, against the bare
machine-signal service in the same run.

What it does (bounded; loopback only; stops by itself):

1. creates a SQLite site (stock + mrp + devices) in a temporary directory: work center CNC, a
   one-operation routing, ``--messages`` machine-counted work orders of a large quantity, and one
   machine device ``CNC-1`` with its token (user ``device.cnc-1``);
2. reference: ``--messages`` calls of mrp's ``machine_signal`` as the device user, one unit of work
   each (what the GraphQL mutation does after parsing);
3. the bridge's ``handle(topic, payload)`` for as many JSON messages, in-process (decode, device
   lookup, mapping, access check, the same signal, the device's last-seen update);
4. end to end: a private Mosquitto on a free port (``--mosquitto``, default the one on PATH), the
   bridge subscribed to it, ``--messages`` QoS 1 messages published by a paho client; the time from
   the first publish until the bridge has handled them all;
5. prints messages/s and ms per message for each, and the ratios to the reference.

Figures depend on the machine and what else runs on it; compare rows of one run, not runs.

Usage::

    .venv/bin/python bench/devices_mqtt.py [--messages 300]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(path: Path, n: int) -> tuple[Any, list[str], Any]:
    from tenon.core import auth
    from tenon.core.installer import install
    from tenon.core.kernel import Tenon
    from tenon.core.site import Site
    from tenon.plugins.devices.services.devices import issue_token, register_device
    from tenon.plugins.mrp.services import library, work_centers, work_orders
    from tenon.plugins.stock import create_product

    app = Tenon(Site.create(path), plugins=[])
    install(app, ["stock", "mrp", "devices"])
    app = Tenon(Site.load(path))
    with app.transaction() as s:
        wc = work_centers.create_work_center(s, code="CNC", name="CNC")
        op = library.create_operation(s, code="TURN", name="Turn", work_center_id=str(wc.id))
        p = create_product(s, name="Part", code="PART")
        library.create_routing(s, product_id=str(p.id), steps=[{"operation_id": str(op.id)}])
        numbers = []
        for _ in range(n):
            wo = work_orders.create_work_order(s, product_id=p.id, quantity=Decimal(10**6), counting_source="machine",
                                               with_materials=False)
            work_orders.release_work_order(s, wo.id)
            numbers.append(wo.number)
        d = register_device(s, code="CNC-1", name="Machine", kind="machine", work_center_code="CNC",
                            topic="bench/cnc1")
        issue_token(s, d.id)
        user = auth.get_user(s, d.username)
        actor = auth.actor_of(user)
    return app, numbers, actor


def rate(label: str, n: int, seconds: float, ref: float | None) -> None:
    per = seconds / n * 1000
    ratio = f"{(n / seconds) / ref:5.2f}x" if ref else "  ref"
    print(f"{label:<44} {n / seconds:8.1f} msg/s {per:7.2f} ms/msg  {ratio}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--mosquitto", default=shutil.which("mosquitto") or "/usr/sbin/mosquitto")
    args = ap.parse_args()
    n = args.messages
    with tempfile.TemporaryDirectory() as tmp:
        app, numbers, actor = build(Path(tmp) / "site", 3 * n)
        from tenon.plugins.devices.mqtt import Bridge
        from tenon.plugins.mrp import machine_signal

        t = time.perf_counter()
        for i in range(n):
            with app.transaction(actor, operation="bench:signal") as s:
                from tenon.plugins.mrp import WorkOrder
                from sqlalchemy import select

                wo_id = s.scalar(select(WorkOrder.id).where(WorkOrder.number == numbers[i]))
                machine_signal(s, work_order_id=str(wo_id), quantity=1, key=f"ref:{i}")
        ref_s = time.perf_counter() - t
        ref = n / ref_s

        bridge = Bridge(app, "mqtt://127.0.0.1:1", tick_seconds=3600)  # not started: handle() only
        t = time.perf_counter()
        for i in range(n):
            out = bridge.handle("bench/cnc1", json.dumps({"work_order": numbers[n + i], "quantity": 1,
                                                          "message_id": f"h{i}"}).encode())
            assert out == "accepted", (out, bridge.stats)
        handle_s = time.perf_counter() - t

        port = free_port()
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        proc = subprocess.Popen([args.mosquitto, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            live = Bridge(app, f"mqtt://127.0.0.1:{port}", tick_seconds=3600).start()
            while live.stats["subscriptions"] < 1:
                time.sleep(0.02)
            import paho.mqtt.client as mqtt

            pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
            pub.connect("127.0.0.1", port)
            pub.loop_start()
            t = time.perf_counter()
            for i in range(n):
                pub.publish("bench/cnc1", json.dumps({"work_order": numbers[2 * n + i], "quantity": 1,
                                                      "message_id": f"e{i}"}), qos=1)
            deadline = time.monotonic() + 300
            while live.stats["received"] < n and time.monotonic() < deadline:
                time.sleep(0.01)
            e2e_s = time.perf_counter() - t
            pub.loop_stop()
            live.stop()
            assert live.stats["accepted"] == n, live.stats
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        print(f"devices MQTT bridge, {n} messages each, SQLite, one process ({sys.platform})")
        rate("machine_signal in a unit of work (reference)", n, ref_s, None)
        rate("Bridge.handle (decode, map, access, signal)", n, handle_s, ref)
        rate("end to end through Mosquitto (QoS 1)", n, e2e_s, ref)
        app.dispose()


if __name__ == "__main__":
    main()
