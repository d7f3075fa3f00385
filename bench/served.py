"""`make serve` started for a measurement (bench/load.py, bench/audit.py): its own
state folder and ports, the setup hook bench/load_setup.py (booths, fixtures in
<state>/load.json), stopped with everything it started."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def served(state: Path, *, port: int, redis_port: int, pg_port: int, env=None):
    """Start make serve afresh in `state`; yields the fixtures load_setup.py wrote."""
    stop_leftovers(state, redis_port)
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    env = {
        **os.environ,
        "JAMPORTAL_SERVE_STATE": str(state),
        "JAMPORTAL_SERVE_PORT": str(port),
        "JAMPORTAL_SERVE_REDIS_PORT": str(redis_port),
        "JAMPORTAL_SERVE_PG_PORT": str(pg_port),
        "JAMPORTAL_SERVE_SETUP": "bench/load_setup.py",
        **(env or {}),
    }
    with open(state / "serve.log", "w") as log:
        print(f"Starting make serve on port {port} (log: {log.name})...", flush=True)
        server = subprocess.Popen(
            ["scripts/serve.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_ready(server, state, port, log.name)
            yield json.loads((state / "load.json").read_text())
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                stop_leftovers(state, redis_port)


def wait_until_ready(server, state, port, log_name):
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make serve stopped (exit {server.returncode}); its output is in {log_name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200 and (state / "load.json").exists():
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"make serve did not answer within ten minutes; see {log_name}")


def stop_leftovers(state, redis_port):
    """Servers an interrupted run left behind (their state is about to be removed)."""
    if (state / "pg").exists():
        env = {**os.environ, "JAMPORTAL_PG_DIR": str(state / "pg")}
        subprocess.run(["scripts/postgres.sh", "stop"], cwd=ROOT, env=env)
    subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], capture_output=True)
