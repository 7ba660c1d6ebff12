"""Real servers for the tests (never a mock client): a MongoDB-wire server, and Redis.

In order of preference: HEADLINES_TEST_MONGO_URI when set (a server the tests may use; never the
user's MONGO_URI, which is production); `mongod` when it is on PATH; else FerretDB v1 started on a
free loopback port, on its PostgreSQL backend (FerretDB's main, fully supported backend: the realistic
deployment) over a private PostgreSQL cluster when Debian's postgresql is installed, else on its
SQLite backend. HEADLINES_TEST_FERRETDB_BACKEND=sqlite|postgresql chooses, and `postgresql` without
PostgreSQL is an error rather than a quiet fallback. Tests that stop the server or need accounts take a private
server of their own (`start_private_server`), never the one a URI names. FerretDB comes from the Go module proxy; a plain
`go install …@v1.24.2` binary panics at start because the module archive lacks the generated
build/version/version.txt, so `ensure_ferretdb()` builds the same module source with that file
written (`python -m tests.servers` does it ahead of time, as .ci/run does).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pymongo

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
CACHE = Path(os.environ.get("HEADLINES_CACHE", Path.home() / ".cache" / "headlines"))
FERRETDB_BIN = CACHE / f"ferretdb-{FERRETDB_VERSION}" / "ferretdb"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _works(binary: Path | str) -> bool:
    try:
        done = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return False
    return done.returncode == 0 and FERRETDB_VERSION in done.stdout


def ensure_ferretdb() -> Path | None:
    """A working FerretDB binary: $FERRETDB_BIN, the cached build, or a fresh build with Go."""
    for candidate in (os.environ.get("FERRETDB_BIN"), FERRETDB_BIN, shutil.which("ferretdb")):
        if candidate and _works(candidate):
            return Path(candidate)
    go = shutil.which("go")
    if go is None:
        return None
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    download = subprocess.run(
        [go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=1800,
    )
    source = Path(json.loads(download.stdout)["Dir"])
    with tempfile.TemporaryDirectory() as work:
        tree = Path(work) / "ferretdb"
        shutil.copytree(source, tree)
        for path in tree.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)  # the module cache is read-only
        (tree / "build" / "version" / "version.txt").write_text(FERRETDB_VERSION + "\n")
        FERRETDB_BIN.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([go, "build", "-o", str(FERRETDB_BIN), "./cmd/ferretdb"], cwd=tree, env=env, check=True, timeout=1800)
    return FERRETDB_BIN if _works(FERRETDB_BIN) else None


BACKEND_VARIABLE = "HEADLINES_TEST_FERRETDB_BACKEND"


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest major version installed)."""
    if configured := os.environ.get("HEADLINES_TEST_PG_BIN"):
        return Path(configured)
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin/postgres") if p.parent.parent.name.isdigit()]
    found = sorted(versions, key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    postgres = shutil.which("postgres")
    return Path(postgres).parent if postgres else None


class PostgresCluster:
    """A private, throwaway PostgreSQL cluster on a free loopback port, for FerretDB's PostgreSQL backend.

    PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` account Debian's
    package creates, in a folder of its own under the system's temporary folder (pytest's folders
    are closed to other accounts). Durability is off (fsync, synchronous commit): the data is thrown
    away, and the tests and benchmarks measure work, not the disk."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.user = "postgres" if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="headlines-pg-"))
        if self.user:
            shutil.chown(self.folder, self.user)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.binaries / program), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=120, user=self.user)

    def start(self) -> None:
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        settings = {"listen_addresses": "127.0.0.1", "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        command = [str(self.binaries / "postgres"), "-D", str(data), "-p", str(self.port), "-k", str(self.folder)]
        command += [arg for name, value in settings.items() for arg in ("-c", f"{name}={value}")]
        with (self.folder / "postgres.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, user=self.user)
        atexit.register(self.stop)  # a session that ends abnormally leaves no cluster running
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port))
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start; see {self.folder / 'postgres.log'}")
            time.sleep(0.2)
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "ferretdb")
        # FerretDB v1 logs in to PostgreSQL with the client's PLAIN credentials: the tests' account.
        self._run("createuser", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "--superuser", "headlines")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/ferretdb"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: PostgreSQL's "smart" shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class MongoServer:
    """A server the tests may stop and start again (same port, same data) to simulate an outage."""

    def __init__(
        self,
        kind: str,
        uri: str,
        command: list[str] | None = None,
        data: Path | None = None,
        *,
        backing: PostgresCluster | None = None,
    ) -> None:
        self.kind = kind
        self.uri = uri
        self.command = command
        self.data = data
        self.process: subprocess.Popen[bytes] | None = None
        self.backing = backing
        """The PostgreSQL cluster under FerretDB: stays up through outages, goes at `close`."""

    @property
    def can_restart(self) -> bool:
        return self.command is not None

    def start(self, timeout: float = 30.0) -> None:
        if self.command is not None and (self.process is None or self.process.poll() is not None):
            log_path = self.data / "server.log" if self.data else Path(os.devnull)
            with log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
                # DO_NOT_TRACK: FerretDB must make no outside connection.
                self.process = subprocess.Popen(self.command, stdout=log, stderr=log, env={**os.environ, "DO_NOT_TRACK": "1"})
        deadline = time.monotonic() + timeout
        while True:
            try:
                client: pymongo.MongoClient[dict[str, object]]
                with pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                return
            except pymongo.errors.PyMongoError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def close(self) -> None:
        """Stop for good: the server and whatever it stores in."""
        self.stop()
        if self.backing is not None:
            self.backing.stop()


TEST_URI_VARIABLE = "HEADLINES_TEST_MONGO_URI"


def start_server(workdir: Path) -> tuple[MongoServer | None, str]:
    """A running server and how it was found, or None and why none could be had."""
    if uri := os.environ.get(TEST_URI_VARIABLE):
        server = MongoServer("external", uri)
        server.start()
        return server, TEST_URI_VARIABLE
    return start_private_server(workdir)


def start_private_server(workdir: Path) -> tuple[MongoServer | None, str]:
    """A server this process starts, and may stop and restart: mongod on PATH, else FerretDB."""
    port = free_port()
    uri = f"mongodb://127.0.0.1:{port}/"
    if mongod := shutil.which("mongod"):
        (workdir / "mongod").mkdir()
        command = [mongod, "--bind_ip", "127.0.0.1", "--port", str(port), "--dbpath", str(workdir / "mongod"), "--quiet"]
        server = MongoServer("mongod", uri, command, workdir)
        server.start()
        return server, "mongod on PATH"
    binary = ensure_ferretdb()
    if binary is None:
        return None, "no mongod on PATH, and FerretDB could not be built (is Go installed?)"
    data = workdir / "ferretdb"
    data.mkdir()
    command = [
        str(binary),
        f"--state-dir={data}",
        f"--listen-addr=127.0.0.1:{port}",
        "--debug-addr=-",
        "--telemetry=disable",
        "--log-level=warn",
    ]
    backend = os.environ.get(BACKEND_VARIABLE, "")
    if backend not in ("", "sqlite", "postgresql"):
        return None, f"{BACKEND_VARIABLE}={backend!r}: use sqlite or postgresql"
    binaries = postgres_bin() if backend != "sqlite" else None
    if binaries is None:
        if backend == "postgresql":
            return None, f"{BACKEND_VARIABLE}=postgresql, but PostgreSQL is not installed (Debian: apt-get install postgresql)"
        server = MongoServer("ferretdb", uri, [*command, "--handler=sqlite", f"--sqlite-url=file:{data}/"], data)
        server.start()
        return server, f"FerretDB {FERRETDB_VERSION} on SQLite ({binary})"
    cluster = PostgresCluster(binaries)
    try:
        cluster.start()
        command += ["--handler=postgresql", f"--postgresql-url={cluster.url}"]
        server = MongoServer("ferretdb", uri, command, data, backing=cluster)
        server.start()
    except BaseException:
        cluster.stop()
        raise
    return server, f"FerretDB {FERRETDB_VERSION} on PostgreSQL {binaries.parent.name} ({binary})"


class RedisServer:
    """A private redis-server (Debian's package) on a free loopback port, nothing saved to disk."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(workdir), "--protected-mode", "yes"]
        log = (workdir / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start; see {workdir / 'redis.log'}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def start_redis(workdir: Path) -> tuple[RedisServer | None, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        return None, "redis-server is not installed (Debian: apt-get install redis-server)"
    return RedisServer(binary, workdir), binary


if __name__ == "__main__":
    found = ensure_ferretdb()
    print(found or "FerretDB could not be built", file=sys.stdout if found else sys.stderr)
    sys.exit(0 if found else 1)
