"""``tenon serve`` starts the MQTT bridge itself when ``tenon.toml`` names a broker
(``[plugins.devices] mqtt_broker``), through the kernel's ``tenon_services`` hook: once per server,
stopped with it. A completion message then moves the work order's operation as with
``tenon devices mqtt``; a broker that cannot be parsed keeps the server from starting, in one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from mrp.helpers import WO, dec, new_work_order

from .helpers import Mosquitto, free_port, publish, wait_until
from .test_devices_mqtt import _machine, _site

TENON = Path(sys.executable).with_name("tenon")


def _with_broker(app, broker: str) -> None:
    cfg = app.site.path / "tenon.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[plugins.devices]\nmqtt_broker = "{broker}"\n'
                   'mqtt_tick_seconds = 3600\n', encoding="utf-8")


def test_serve_runs_the_bridge_when_the_site_names_a_broker(make_app, make_client, client_as, tmp_path):
    site = _site(make_app, make_client, client_as)
    topic = f"tenon-test/{uuid.uuid4().hex}/cnc1"
    _machine(site, topic)
    wo = new_work_order(site, 10, countingSource="MACHINE")
    broker = Mosquitto(tmp_path).start()
    _with_broker(site.app, f"mqtt://127.0.0.1:{broker.port}")
    port = free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(TENON), "--site", str(site.app.site.path), "serve", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TENON_LOG_LEVEL": "WARNING"})
        try:
            wait_until(lambda: proc.poll() is None and _up(port), 60, "the server")
            assert f"started devices.mqtt: MQTT bridge to mqtt://127.0.0.1:{broker.port}" in log_path.read_text()

            def moved() -> bool:
                publish(broker.port, topic, json.dumps({"work_order": wo["number"], "quantity": 4, "message_id": "s1"}))
                turn = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]
                return dec(turn["goodQuantity"]) == 4

            wait_until(moved, 30, "the bridge in the server to report the completion")  # replays count once
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            broker.stop()
    turn = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"][0]
    assert dec(turn["goodQuantity"]) == 4


def test_a_bad_broker_setting_is_one_error_line(make_app, make_client, client_as):
    site = _site(make_app, make_client, client_as)
    _with_broker(site.app, "http://nowhere")
    out = subprocess.run([str(TENON), "--site", str(site.app.site.path), "serve", "--port", str(free_port())],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("error: "), out.stderr
    assert "Traceback" not in out.stderr


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        time.sleep(0.2)
        return False
