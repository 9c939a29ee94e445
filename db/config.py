"""Every setting comes from the environment, read here and nowhere else."""
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"  # data, not code: catalogue, places, locales, tiers


def data_dir() -> Path:
    """Where the default SQLite file and the generated secret live."""
    path = Path(os.environ.get("GREEN_EGRET_DATA_DIR", PROJECT_ROOT / "data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for any PostgreSQL URL, whatever driver the operator wrote."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _load_or_create_secret(path: Path) -> str:
    """A secret generated once with mode 600, so the ledger's HMAC survives restarts."""
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret: str
    base_url: str
    city: str
    timezone: str
    grams_per_point: int
    volunteer_points_per_hour: int
    tiles: str = "osm"  # map tiles: osm, or amap / tencent (GCJ-02, pins shifted for display)
    database_owner_url: str | None = None  # migrations run as the tables' owner; the portal as a lesser role
    cookie_secure: bool = False  # the sign-in cookie only over HTTPS (behind a TLS-terminating proxy too)
    trusted_proxies: int = 0  # how many proxies in front may be believed about the client (X-Forwarded-For)
    metrics_token: str | None = None  # /_stcore/metrics answers only to "Authorization: Bearer <token>"
    warm_up: bool = True  # import what the pages import at start-up (ui/warmup.py); 0 only to measure without
    smtp: "SmtpSettings | None" = None  # copies of inbox messages by e-mail; None (no host) keeps mail off
    points_expire_years: int | None = None  # points earned in year Y expire at the end of Y + this; None: never


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    from_address: str
    starttls: bool  # off only for a server on the same host (tests, a local relay)


def _smtp_settings(env: dict) -> SmtpSettings | None:
    if not env.get("GREEN_EGRET_SMTP_HOST"):
        return None
    return SmtpSettings(host=env["GREEN_EGRET_SMTP_HOST"], port=int(env.get("GREEN_EGRET_SMTP_PORT", "587")),
                        user=env.get("GREEN_EGRET_SMTP_USER") or None,
                        password=env.get("GREEN_EGRET_SMTP_PASSWORD") or None,
                        from_address=env.get("GREEN_EGRET_MAIL_FROM", "green-egret@localhost"),
                        starttls=env.get("GREEN_EGRET_SMTP_STARTTLS", "1").lower() not in ("0", "false", "no", "off"))


@cache
def _settings_for(values: tuple) -> Settings:
    env = {name: value for name, value in zip(SETTING_NAMES, values, strict=False) if value is not None}
    data = data_dir()
    url = env.get("DATABASE_URL") or f"sqlite:///{data / 'green_egret.db'}"
    secret = env.get("GREEN_EGRET_SECRET") or _load_or_create_secret(data / "secret.key")
    return Settings(
        database_url=normalise_database_url(url),
        secret=secret,
        base_url=env.get("GREEN_EGRET_BASE_URL", "http://localhost:8501").rstrip("/"),
        city=env.get("GREEN_EGRET_CITY", "xiamen"),
        timezone=env.get("GREEN_EGRET_TIMEZONE", "Asia/Shanghai"),
        grams_per_point=int(env.get("GREEN_EGRET_GRAMS_PER_POINT", "1")),
        volunteer_points_per_hour=int(env.get("GREEN_EGRET_VOLUNTEER_POINTS_PER_HOUR", "100")),
        tiles=env.get("GREEN_EGRET_TILES", "osm").lower(),
        database_owner_url=normalise_database_url(env["DATABASE_OWNER_URL"]) if env.get("DATABASE_OWNER_URL")
        else None,
        cookie_secure=env.get("GREEN_EGRET_COOKIE_SECURE", "").lower() in ("1", "true", "yes", "on"),
        trusted_proxies=int(env.get("GREEN_EGRET_TRUSTED_PROXIES", "0")),
        metrics_token=env.get("GREEN_EGRET_METRICS_TOKEN") or None,
        warm_up=env.get("GREEN_EGRET_WARMUP", "1").lower() not in ("0", "false", "no", "off"),
        smtp=_smtp_settings(env),
        points_expire_years=int(env["GREEN_EGRET_POINTS_EXPIRE_YEARS"]) if env.get("GREEN_EGRET_POINTS_EXPIRE_YEARS")
        else None,
    )


SETTING_NAMES = ("DATABASE_URL", "GREEN_EGRET_SECRET", "GREEN_EGRET_BASE_URL", "GREEN_EGRET_CITY",
                 "GREEN_EGRET_TIMEZONE", "GREEN_EGRET_GRAMS_PER_POINT", "GREEN_EGRET_VOLUNTEER_POINTS_PER_HOUR",
                 "GREEN_EGRET_DATA_DIR", "GREEN_EGRET_TILES", "DATABASE_OWNER_URL", "GREEN_EGRET_COOKIE_SECURE",
                 "GREEN_EGRET_TRUSTED_PROXIES", "GREEN_EGRET_METRICS_TOKEN", "GREEN_EGRET_WARMUP",
                 "GREEN_EGRET_SMTP_HOST", "GREEN_EGRET_SMTP_PORT", "GREEN_EGRET_SMTP_USER", "GREEN_EGRET_SMTP_PASSWORD",
                 "GREEN_EGRET_MAIL_FROM", "GREEN_EGRET_SMTP_STARTTLS", "GREEN_EGRET_POINTS_EXPIRE_YEARS")


def get_settings() -> Settings:
    """Settings for the current environment; tests change the environment and get new ones."""
    return _settings_for(tuple(map(os.environ.get, SETTING_NAMES)))  # cheap: called on every ledger write
