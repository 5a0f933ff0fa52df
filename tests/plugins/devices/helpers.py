"""Helpers for devices' tests: a TCP listener standing in for a Zebra printer, GraphQL
documents, a private Mosquitto broker and waiting for the MQTT bridge."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

DEVICE_FIELDS = """id code kind health lastSeenAt username workCenterCode messagesAccepted messagesRejected
    lastMessageError topic port heartbeatSeconds printAttempts"""
REGISTER = f"mutation($i: DeviceRegisterInput!) {{ deviceRegister(input: $i) {{ {DEVICE_FIELDS} }} }}"
TOKEN = f"mutation($id: ID!) {{ deviceIssueToken(id: $id) {{ token device {{ {DEVICE_FIELDS} }} }} }}"
DEVICE = f"query($id: ID!) {{ device(id: $id) {{ {DEVICE_FIELDS} }} }}"
JOB_FIELDS = "id state copies attempts lastError zpl labelValue targetKind createdBy sentAt printer { code }"
PRINT = f"""mutation($t: PrintTargetInput!, $p: String!, $c: Int!) {{
    labelPrint(target: $t, printer: $p, copies: $c) {{ {JOB_FIELDS} }} }}"""
JOB = f"query($id: ID!) {{ printJob(id: $id) {{ {JOB_FIELDS} }} }}"
HEARTBEAT = "mutation { deviceHeartbeat { code health lastSeenAt } }"
NOTES = "{ notifications { nodes { event title body entityType } } }"


class PrinterListener:
    """A TCP server on 127.0.0.1 that records every connection's bytes (one per label job)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._got = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            with self._got:
                self.received.append(b"".join(chunks))
                self._got.notify_all()

    def wait(self, n: int = 1, timeout: float = 10.0) -> list[bytes]:
        with self._got:
            assert self._got.wait_for(lambda: len(self.received) >= n, timeout), f"printer got {len(self.received)} jobs"
            return list(self.received)

    def close(self) -> None:
        self.sock.close()


def free_port() -> int:
    """A port nothing listens on (bound, then released): connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Mosquitto:
    """A private Mosquitto broker on a free port of 127.0.0.1 (stopped and restarted by tests,
    never the shared one)."""

    def __init__(self, tmp_path: Any) -> None:
        self.binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.port = free_port()
        self.conf = tmp_path / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Mosquitto:
        self.proc = subprocess.Popen([self.binary, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_until(self._up, 10, "mosquitto to listen")
        return self

    def _up(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def broker_reachable(port: int = 1883) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def publish(port: int, topic: str, payload: bytes | str) -> None:
    """Publish one message (QoS 1) with a throw-away paho client."""
    import paho.mqtt.publish as pub

    pub.single(topic, payload, qos=1, hostname="127.0.0.1", port=port)
