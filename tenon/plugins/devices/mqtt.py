"""The MQTT bridge: machine and gateway messages to mrp's machine signals.

``Bridge(app, "mqtt://127.0.0.1:1883")`` subscribes (QoS 1) to the ``topic`` of every active
machine or terminal device, maps each message through the device's ``mapping``
(:mod:`.services.messages`) and reports it as the device's kernel user through
:func:`tenon.plugins.mrp.machine_signal`, in one unit of work audited as
``mqtt:workOrderOperationSignal``: the access (``mrp.operation signal`` and the device's
work-center scope), audit and replay safety (idempotency key ``<device>:<messageId>``) of the
``workOrderOperationSignal`` mutation. Every message is a sign of life for its device. Messages
are acknowledged (QoS 1) after they are processed; with a fixed ``client_id`` the broker keeps
the session, so messages published while the bridge is down are delivered when it is back.

A malformed or refused message is logged, counted (``stats``, and the device's
``messagesRejected`` / ``lastMessageError`` when the device is known) and dropped; nothing a
message holds stops the bridge. The client (paho-mqtt) reconnects after a broker restart with
a back-off from :data:`MIN_RECONNECT` to :data:`MAX_RECONNECT` seconds and subscribes again.
Every ``tick_seconds`` the bridge subscribes to topics of newly registered devices and marks
devices that stopped reporting ``silent`` (their work center's lead is notified).

Run it with ``tenon devices mqtt --broker mqtt://HOST:1883``.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import select

from tenon.core import auth
from tenon.core.access import site_versions
from tenon.core.errors import ConfigError, Forbidden, TenonError
from tenon.core.models import User

from .errors import BadMessage
from .models import Device
from .services.devices import check_silent, mapping_of, touch_device
from .services.messages import get_path, decode, map_message

log = logging.getLogger(__name__)
MIN_RECONNECT = 1
MAX_RECONNECT = 30
DEFAULT_PORT = 1883


def parse_broker(url: str) -> dict[str, Any]:
    """``mqtt://[user[:password]@]host[:port]`` (or ``mqtts://`` for TLS, port 8883)."""
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("mqtt", "mqtts", "tcp") or not u.hostname:
        raise ConfigError(f"broker must look like mqtt://host:1883, not {url!r}")
    try:
        port = u.port or (8883 if u.scheme == "mqtts" else DEFAULT_PORT)
    except ValueError:
        raise ConfigError(f"bad broker port in {url!r}") from None
    return {"host": u.hostname, "port": port, "tls": u.scheme == "mqtts",
            "username": urllib.parse.unquote(u.username) if u.username else None,
            "password": urllib.parse.unquote(u.password) if u.password else None}


class Bridge:
    """One MQTT client feeding one site. ``start()`` runs it in a background thread, ``stop()``
    ends it; ``handle(topic, payload)`` processes one message (what the client calls)."""

    def __init__(self, app: Any, broker: str, *, client_id: str | None = None, tick_seconds: float = 30.0,
                 qos: int = 1) -> None:
        import paho.mqtt.client as mqtt

        self.app = app
        self.broker = parse_broker(broker)
        self.qos = qos
        self.tick_seconds = tick_seconds
        self.stats: Counter[str] = Counter()
        self.connected = threading.Event()
        self._lock = threading.Lock()
        self._topics: set[str] = set()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        # A fixed client id asks the broker for a persistent session: QoS 1 messages published while
        # the bridge is down wait for it (a random id gets a clean session each time).
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"tenon-devices-{uuid.uuid4().hex[:8]}",
                                  clean_session=client_id is None)
        if self.broker["username"]:
            self.client.username_pw_set(self.broker["username"], self.broker["password"])
        if self.broker["tls"]:
            self.client.tls_set()
        self.client.reconnect_delay_set(min_delay=MIN_RECONNECT, max_delay=MAX_RECONNECT)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    # ------------------------------------------------------------------ life cycle
    def start(self) -> Bridge:
        """Connect (retrying until the broker answers) and process messages in the background."""
        self.client.connect_async(self.broker["host"], self.broker["port"], keepalive=30)
        self.client.loop_start()
        self._ticker = threading.Thread(target=self._tick_loop, name="tenon-devices-tick", daemon=True)
        self._ticker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.client.disconnect()
        self.client.loop_stop()
        if self._ticker is not None:
            self._ticker.join(timeout=5)

    def run_forever(self) -> None:
        """Run until interrupted (the CLI): Ctrl-C or SIGTERM stop it cleanly."""
        import signal

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: self._stop.set())
        self.start()
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _tick_loop(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            self.tick()

    def tick(self) -> None:
        """Subscribe to new devices' topics and mark silent devices (never raises)."""
        try:
            self.subscribe()
            with self.app.transaction(operation="mqtt:devices check") as s:
                for d in check_silent(s):
                    log.warning("device %s stopped reporting", d.code)
        except Exception:  # the bridge outlives a database hiccup
            log.exception("devices tick failed")

    # ------------------------------------------------------------------ subscriptions
    def topics(self) -> set[str]:
        with self.app.transaction() as s:
            return set(s.scalars(select(Device.topic).where(Device.active.is_(True), Device.topic.is_not(None),
                                                            Device.kind.in_(("machine", "terminal")))))

    def subscribe(self) -> None:
        if not self.connected.is_set():
            return
        wanted = self.topics()
        with self._lock:
            new = sorted(wanted - self._topics)
            self._topics |= set(new)
        for topic in new:
            self.client.subscribe(topic, qos=self.qos)
            log.info("subscribed to %s", topic)

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if getattr(reason_code, "is_failure", False):
            log.warning("MQTT broker refused the connection: %s", reason_code)
            return
        log.info("connected to MQTT broker %s:%s", self.broker["host"], self.broker["port"])
        with self._lock:
            self._topics = set()  # a new (clean) session: subscribe again
        self.stats["connects"] += 1
        self.connected.set()
        try:
            self.subscribe()
        except Exception:
            log.exception("subscribing failed")

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            log.warning("MQTT connection lost (%s); reconnecting", reason_code)
            self.stats["disconnects"] += 1

    def _on_subscribe(self, client: Any, userdata: Any, mid: Any, reason_codes: Any, properties: Any) -> None:
        self._count("subscriptions")

    def _on_message(self, client: Any, userdata: Any, msg: Any) -> None:
        self.handle(msg.topic, msg.payload)

    # ------------------------------------------------------------------ messages
    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def handle(self, topic: str, payload: bytes) -> str:
        """Process one message; returns ``accepted``, ``duplicate``, ``rejected`` or ``error``."""
        self._count("received")
        device_id = None
        try:
            try:
                data, bad = decode(payload), None
            except BadMessage as exc:  # still find the device (by its topic) to count it there
                data, bad = {}, exc
            device = self._device(topic, data)
            device_id = device["id"]
            if bad is not None:
                raise bad
            outcome = self._process(device, data)
        except TenonError as exc:
            log.warning("MQTT message on %s rejected: %s %s", topic, exc.code, exc.message)
            self._count("rejected")
            self._count(f"rejected.{exc.code}")
            if device_id is not None:
                self._reject(device_id, f"{exc.code}: {exc.message}")
            return "rejected"
        except Exception:  # never let one message stop the bridge
            log.exception("MQTT message on %s failed", topic)
            self._count("errors")
            if device_id is not None:
                self._reject(device_id, "INTERNAL_ERROR: see the bridge's log")
            return "error"
        self._count(outcome)
        return outcome

    def _device(self, topic: str, data: dict[str, Any]) -> dict[str, Any]:
        from paho.mqtt.client import topic_matches_sub

        with self.app.transaction() as s:
            rows = [d for d in s.scalars(select(Device).where(Device.active.is_(True), Device.topic.is_not(None))
                                         .order_by(Device.id)) if topic_matches_sub(d.topic, topic)]
            found = None
            for d in rows:
                code = get_path(data, mapping_of(d)["machine"])
                if code is not None and str(code).strip() == d.code:
                    found = d
                    break
            if found is None and len(rows) == 1:
                found = rows[0]
            if found is None:
                raise BadMessage(f"no registered device for topic {topic!r}" if not rows else
                                 "several devices share this topic: the message must name its machine",
                                 field="machine")
            user = s.scalar(select(User).where(User.username == found.username)) if found.username else None
            version = site_versions(s)[0]  # policies as fresh as a GraphQL request's
        if self.app.access.version != version:
            self.app.access.ensure_version(version)
        return {"id": found.id, "code": found.code, "username": found.username,
                "work_center_code": found.work_center_code, "mapping": mapping_of(found),
                "actor": auth.actor_of(user) if user is not None and user.active else None}

    def _process(self, device: dict[str, Any], data: dict[str, Any]) -> str:
        msg = map_message(data, device["mapping"])
        if msg.type == "heartbeat":
            self._seen(device["id"])
            return "accepted"
        if not device["username"]:
            raise BadMessage(f"device {device['code']} has no user yet: issue its token (deviceIssueToken)",
                             field="machine")
        if not self.app.has_plugin("mrp"):
            raise BadMessage("machine signals need the mrp plugin", field="type")
        actor = device["actor"]
        if actor is None:
            raise Forbidden(f"device user {device['username']} is inactive or gone")
        if not self.app.access.can(actor, "mrp.operation", "signal"):
            raise Forbidden(f"not allowed: signal on mrp.operation (user {actor.username})")
        from .integrations.mrp import signal

        with self.app.transaction(actor, operation="mqtt:workOrderOperationSignal") as s:
            r = signal(s, work_center_code=device["work_center_code"], work_order=msg.work_order,
                       operation=msg.operation, quantity=msg.quantity, scrap=msg.scrap,
                       reason_code=msg.reason_code, key=f"{device['code']}:{msg.message_id}")
            duplicate = r.duplicate
        self._seen(device["id"])
        return "duplicate" if duplicate else "accepted"

    def _seen(self, device_id: int) -> None:
        """Count an accepted message and the sign of life (after the signal committed: a failure
        here, such as a concurrent bridge's update of the same device, loses only the count)."""
        try:
            with self.app.transaction(operation="mqtt:device seen") as s:
                d = s.get(Device, device_id)
                d.messages_accepted += 1
                touch_device(s, d)
        except Exception:
            log.exception("recording device %s as seen failed", device_id)

    def _reject(self, device_id: int, reason: str) -> None:
        try:
            with self.app.transaction(operation="mqtt:device message rejected") as s:
                d = s.get(Device, device_id)
                d.messages_rejected += 1
                d.last_message_error = reason[:500]
                touch_device(s, d)
        except Exception:
            log.exception("recording a rejected message failed")
