"""Configuration: read from the environment, secret generated once with mode 600."""
import stat

from db.config import get_settings, normalise_database_url


def test_secret_is_generated_once_with_mode_600(tmp_path, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GREEN_EGRET_SECRET")
    first = get_settings().secret
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv("GREEN_EGRET_CITY", "xiamen")  # a new settings object, same file
    assert get_settings().secret == first and len(first) >= 48


def test_environment_secret_wins_and_no_file_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GREEN_EGRET_SECRET", "from-the-environment")
    assert get_settings().secret == "from-the-environment"
    assert not (tmp_path / "secret.key").exists()


def test_default_database_is_sqlite_under_data(tmp_path, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL")
    assert get_settings().database_url == f"sqlite:///{tmp_path / 'green_egret.db'}"


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
