"""devices: the registry of the plant's devices (label printers, terminals, machines), network
label printing over raw TCP 9100 and machine signals over MQTT.

This module is the plugin's public API: a plugin that declares ``depends=("devices>=0.1",)``
may import these names. ``queue_print(session, printer_code=..., target_kind=..., target_id=...,
copies=...)`` queues a label on a registered printer (sent after commit through the outbox);
``touch_device(session, device)`` records a sign of life.
"""

from .events import DeviceSilenced, PrintJobQueued
from .models import Device, PrintJob
from .services.devices import touch_device
from .services.printing import queue_print
from .workflows import DEVICE_HEALTH, PRINT_JOB

__all__ = ["DEVICE_HEALTH", "PRINT_JOB", "Device", "DeviceSilenced", "PrintJob", "PrintJobQueued", "queue_print",
           "touch_device"]
