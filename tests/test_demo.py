"""``tenon demo --serve`` on a port that is in use is one ``error:`` line, before anything is created.

(The demo itself, twice with row counts, served, and the example loop against it: ``tests/e2e``.)"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

TENON = Path(sys.executable).with_name("tenon")


def test_demo_serve_on_a_port_in_use_is_one_error_line(tmp_path):
    """Exit 1, one ``error:`` line naming the address, no traceback, no site created."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([str(TENON), "--site", str(tmp_path / "site"), "demo", "--serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and f"127.0.0.1:{port}" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()
