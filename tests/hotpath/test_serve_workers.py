"""``tenon serve --workers N``: every accepted connection has ``TCP_NODELAY`` (issue 13).

The test starts the real server, opens a keep-alive connection, finds the worker's accepted
socket for it (``/proc/<pid>/fd``), takes a duplicate of it with ``pidfd_getfd`` and reads the
option. With uvicorn's own multi-worker listener (protocol 0) the option was off, and every
keep-alive response waited on the client's delayed ACK.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

TENON = Path(sys.executable).with_name("tenon")
SYS_PIDFD_GETFD = 438  # x86_64 and aarch64

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and uses pidfd_getfd")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.extend(children)
        todo.extend(children)
    return found


def _server_side_of(client: socket.socket, pids: list[int]) -> list[socket.socket]:
    """Duplicates of the sockets, in any of ``pids``, whose peer is ``client``."""
    libc = ctypes.CDLL(None, use_errno=True)
    mine = client.getsockname()
    found = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            pidfd = os.pidfd_open(pid)
        except OSError:
            continue
        try:
            for fd in fds:
                try:
                    if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                        continue
                except OSError:
                    continue
                dup = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
                if dup < 0:
                    code = ctypes.get_errno()
                    if code in (errno.ENOSYS, errno.EPERM):
                        pytest.skip(f"pidfd_getfd not allowed here ({errno.errorcode[code]})")
                    continue
                sock = socket.socket(fileno=dup)
                try:
                    peer = sock.getpeername() if sock.family == socket.AF_INET else None
                except OSError:
                    peer = None
                if peer == mine:
                    found.append(sock)
                else:
                    sock.close()
        finally:
            os.close(pidfd)
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_accepted_connections_have_tcp_nodelay(make_app, workers):
    app = make_app(plugins=[])
    port = _free_port()
    log = open(app.site.path / "serve.log", "wb")
    proc = subprocess.Popen([str(TENON), "--site", str(app.site.path), "serve", "--port", str(port),
                             "--workers", str(workers)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TENON_LOG_LEVEL": "WARNING"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (app.site.path / "serve.log").read_text()
            time.sleep(0.2)
        workers_running = _descendants(proc.pid)
        if workers > 1:
            assert len(workers_running) >= workers  # the worker processes (spawned by the supervisor)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
            accepted = _server_side_of(client, [proc.pid, *workers_running])
            assert len(accepted) == 1, "the accepted connection was not found in the server's processes"
            with accepted[0] as sock:
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
