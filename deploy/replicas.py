"""Run N portal replicas behind Debian's nginx on one database: `python -m deploy.replicas --replicas 2`.

The replicas share what a session must find on whichever process it lands: the database (DATABASE_URL; use
PostgreSQL, SQLite's one writer serialises them all), the ledger secret, and Streamlit's cookie secret (its
XSRF cookie is signed with it, so an upload after a failover is still accepted). nginx gives each browser a
replica by cookie (deploy/nginx.conf.template) and passes WebSockets through.
"""
import argparse
import hashlib
import hmac
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT_SECONDS = 60


class _ConfigTemplate(Template):
    """${UPPER_CASE} placeholders only: nginx's own $variables are lower case and stay as they are."""

    flags = 0
    idpattern = r"[A-Z_]+"


def render_config(*, ports: list[int], listen: int, run_dir: Path, cookie_secure: bool = False) -> str:
    """nginx.conf for replicas on 127.0.0.1:`ports`, answering on `listen`. A replica that refuses connections
    is left alone for 10 s (passive checks: Debian's nginx has no active ones)."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in ports)
    config = _ConfigTemplate(TEMPLATE.read_text()).safe_substitute(
        RUN_DIR=run_dir, LISTEN=listen, UPSTREAM_SERVERS=servers, COOKIE_SECURE="; Secure" if cookie_secure else "")
    if "${" in config:
        raise ValueError("deploy/nginx.conf.template has a placeholder render_config does not fill")
    return config


def shared_environment(base_url: str) -> dict[str, str]:
    """What every replica must agree on; the ledger secret is read (or created once) here, before any starts."""
    from db.config import get_settings

    secret = get_settings().secret
    cookie_secret = hmac.new(secret.encode(), b"streamlit cookie secret", hashlib.sha256).hexdigest()
    return {**os.environ, "GREEN_EGRET_SECRET": secret, "GREEN_EGRET_BASE_URL": base_url,
            "GREEN_EGRET_TRUSTED_PROXIES": "1", "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}


def free_ports(count: int) -> list[int]:
    """`count` distinct ports nothing listens on now (all held open together, so none is handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up: {log.read_text()[-2000:]}")
        time.sleep(0.2)  # polling a port that has no event to wait on


@dataclass
class Deployment:
    base: str
    run_dir: Path
    replicas: dict[int, subprocess.Popen] = field(default_factory=dict)  # port -> process

    def stop_replica(self, port: int) -> None:
        """Stop one replica as a crash or a rolling restart would; nginx sends its browsers elsewhere."""
        process = self.replicas[port]
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def _process(command: list[str], *, log: Path, ready_url: str, **popen) -> Iterator[subprocess.Popen]:
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        _wait_until_up(process, ready_url, log)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


@contextmanager
def deployment(*, ports: list[int], listen: int = 8080, run_dir: Path | None = None,
               public_url: str | None = None) -> Iterator[Deployment]:
    """Migrate once, start a replica on each of `ports` and nginx on `listen`, stop them all afterwards."""
    run = run_dir or Path(tempfile.mkdtemp(prefix="green-egret-nginx-"))
    base = f"http://127.0.0.1:{listen}"
    env = shared_environment(public_url or base)
    migrated = subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, capture_output=True,
                              text=True)
    if migrated.returncode:
        raise RuntimeError(f"manage.py migrate failed: {(migrated.stderr or migrated.stdout).strip()}")
    (run / "nginx.conf").write_text(render_config(ports=ports, listen=listen, run_dir=run,
                                                  cookie_secure=env.get("GREEN_EGRET_COOKIE_SECURE") == "1"))
    found = Deployment(base=base, run_dir=run)
    with ExitStack() as stack:
        for port in ports:
            command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                       "--server.address", "127.0.0.1"]
            found.replicas[port] = stack.enter_context(_process(
                command, log=run / f"replica-{port}.log", ready_url=f"http://127.0.0.1:{port}/healthz",
                cwd=ROOT, env=env))
        stack.enter_context(_process([NGINX, "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr",
                                      "-g", "daemon off;"], log=run / "nginx.log", ready_url=f"{base}/healthz"))
        yield found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--listen", type=int, default=8080, help="the port nginx answers on")
    parser.add_argument("--base-port", type=int, default=8601, help="the first replica's port")
    parser.add_argument("--public-url", help="the address residents use, for QR links (default: local)")
    args = parser.parse_args(argv)
    ports = [args.base_port + index for index in range(args.replicas)]
    _stop_on_signals()
    try:
        with deployment(ports=ports, listen=args.listen, public_url=args.public_url) as running:
            _serve_until_stopped(running, args.replicas)
    except RuntimeError as error:  # migrate refused, or a replica or nginx did not come up: say why, in one place
        sys.exit(f"deploy.replicas: {error}")


def _stop_on_signals() -> None:
    """`kill`, systemd's stop and Ctrl-C all leave through the deployment's cleanup, which stops the replicas and
    nginx: Python's default for SIGTERM ends the process at once and orphans them, and a shell's background job
    starts with SIGINT ignored."""
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _serve_until_stopped(running: Deployment, replicas: int) -> None:
    print(f"{replicas} replicas behind {running.base} (config and logs in {running.run_dir}); Ctrl-C stops",
          flush=True)
    try:
        while all(process.poll() is None for process in running.replicas.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
