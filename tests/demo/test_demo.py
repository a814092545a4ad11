"""The README's first command: the demo builds from nothing, builds again without duplicating, and serves."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COUNTED = ("organisation", "user", "membership", "panel", "address", "mailing", "letter", "volunteer")


def _env(instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "JOB_EXECUTOR")}
    env["PANELS_INSTANCE"] = str(instance)
    return env


def _counts(instance: Path) -> dict:
    with sqlite3.connect(instance / "panels.sqlite") as conn:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in COUNTED}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_demo_builds_twice_without_duplicates_and_serves(tmp_path):
    first = subprocess.run([sys.executable, "-m", "panels", "demo"], cwd=ROOT, env=_env(tmp_path),
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "organiser@riverton.example" in first.stdout and "riverton-demo" in first.stdout
    counts = _counts(tmp_path)
    assert counts["panel"] >= 2 and counts["address"] > 40_000 and counts["volunteer"] > 150
    assert (tmp_path / "secret_key").exists()

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "panels", "demo", "--serve", "--port", str(port)], cwd=ROOT,
                              env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    assert response.status == 200
                    assert b"Log in" in response.read()
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()[-3000:]
                assert time.monotonic() < deadline, "the demo never started serving"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert _counts(tmp_path) == counts  # the second run changed nothing
