"""`python -m deploy.replicas` is what an operator types from the README: a refusal must say why in one line."""
import sqlite3
import subprocess
import sys
from pathlib import Path

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
