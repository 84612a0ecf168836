"""A RabbitMQ node and a PostgreSQL cluster of the tests' own, on free ports
in a temporary folder, so that a test may stop, kill and restart them without
touching the machine's broker (5672, 15672) or database (5432)."""
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

from kombu import Connection
from sqlalchemy import create_engine, text

from jastar_devkit.helpers import free_port, wait_until


class RabbitNode:
    """rabbitmq-server with its own node name, ports, data, logs and config;
    no plugins (so no management listener on the machine's 15672)."""

    SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="jastar-faults-rabbit-"))
        self.port, self.dist_port = free_port(), free_port()
        self.node = f"jastarfaults{uuid.uuid4().hex[:8]}@localhost"
        self.uri = f"pyamqp://guest:guest@127.0.0.1:{self.port}//"
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n"
            "vm_memory_high_watermark.relative = 0.2\n"
            "disk_free_limit.absolute = 50MB\n")
        (self.dir / "enabled_plugins").write_text("[].\n")
        (self.dir / "rabbitmq-env.conf").write_text("")  # not the machine's (it names its node)
        self.env = dict(
            os.environ, HOME=str(self.dir), RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_CONFIG_FILE=str(self.dir / "rabbitmq.conf"),
            RABBITMQ_CONF_ENV_FILE=str(self.dir / "rabbitmq-env.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.dir / "enabled_plugins"),
            RABBITMQ_MNESIA_BASE=str(self.dir / "mnesia"), RABBITMQ_LOG_BASE=str(self.dir / "log"),
            RABBITMQ_PID_FILE=str(self.dir / "rabbit.pid"),
            ERL_EPMD_ADDRESS="127.0.0.1",
            ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}")
        self.process = None

    def start(self, seconds=120):
        if not os.access(self.SERVER, os.X_OK):  # /usr/sbin's wrapper would `su rabbitmq`, losing our env
            raise RuntimeError(f"{self.SERVER} not found: install rabbitmq-server (Debian's package)")
        log = open(self.dir / "server.out", "ab")
        self.process = subprocess.Popen([self.SERVER], env=self.env, cwd=self.dir, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until(self.answers, seconds, f"RabbitMQ node {self.node} not up after {seconds}s",
                   interval=0.3, errors=(Exception,))  # not up yet

    def answers(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"rabbitmq-server exited: {self.log()[-2000:]}")
        with Connection(self.uri, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True

    def stop(self):
        """A clean stop (SIGTERM: the node shuts down in order)."""
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait()
        self._signal(signal.SIGKILL)  # what the node started (erl_child_setup, inet_gethost)

    def kill(self):
        self._signal(signal.SIGKILL)
        self.process.wait()

    def _signal(self, sig):
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def log(self):
        return (self.dir / "server.out").read_text(errors="replace")

    def destroy(self):
        if self.process is not None and self.process.poll() is None:
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresCluster:
    """initdb on a free port, trust auth, run as the postgres user (initdb
    refuses root)."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = Path(bins[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="jastar-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}"
        if os.geteuid() == 0:  # root runs the server as postgres (initdb refuses root)
            shutil.chown(self.dir, "postgres", "postgres")

    def _as_postgres(self, *argv, check=True):
        command = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.dir)

    def _options(self):
        return (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
                "-c max_connections=300 -c full_page_writes=off")

    def init(self):
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "--no-sync", "-E", "UTF8")

    def start(self):
        self._as_postgres("pg_ctl", "start", "-D", str(self.data), "-w", "-t", "60",
                          "-l", str(self.dir / "server.log"), "-o", self._options())

    def restart_immediate(self):
        """Every connection cut ('terminating connection due to administrator
        command'), crash recovery on start."""
        self._as_postgres("pg_ctl", "restart", "-D", str(self.data), "-m", "immediate", "-w",
                          "-t", "60", "-l", str(self.dir / "server.log"), "-o", self._options())

    def stop(self):
        self._as_postgres("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", check=False)

    def create_databases(self, names):
        engine = create_engine(self.url + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return {name: f"{self.url}/{name}" for name in names}

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
