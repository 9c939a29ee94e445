"""`python -m deploy.replicas` is what an operator types from the README: a refusal must say why in one line."""
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from deploy.replicas import NGINX, free_ports

ROOT = Path(__file__).resolve().parents[2]


def test_a_database_the_code_cannot_migrate_stops_the_deployment_with_migrates_reason(tmp_path):
    database = tmp_path / "city.db"
    with sqlite3.connect(database) as connection:  # a database migrated by a newer release than this checkout
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999')")
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}", "GREEN_EGRET_SECRET": "s",
           "GREEN_EGRET_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "deploy.replicas", "--replicas", "1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("deploy.replicas: manage.py migrate failed:")
    assert "9999" in done.stderr


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def test_kill_stops_the_replicas_and_nginx_too(tmp_path):
    """systemd's stop (SIGTERM) must not leave replicas and nginx running without their supervisor."""
    if not Path(NGINX).exists():
        message = "nginx is missing (apt-get install -y nginx)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    listen, replica = free_ports(2)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'city.db'}", "GREEN_EGRET_SECRET": "s",
           "GREEN_EGRET_DATA_DIR": str(tmp_path)}
    supervisor = subprocess.Popen([sys.executable, "-m", "deploy.replicas", "--replicas", "1", "--listen",
                                   str(listen), "--base-port", str(replica)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert supervisor.stdout is not None
        assert "replicas behind" in supervisor.stdout.readline()  # printed once nginx and the replica answer
        assert _answers(f"http://127.0.0.1:{listen}/healthz") and _answers(f"http://127.0.0.1:{replica}/healthz")
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
        assert not _answers(f"http://127.0.0.1:{listen}/healthz")
        assert not _answers(f"http://127.0.0.1:{replica}/healthz")
    finally:
        supervisor.kill()
