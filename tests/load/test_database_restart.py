"""NF-3: PostgreSQL stopped under the portal, then started again. Meanwhile every page answers the French
"Service indisponible" page (503, Retry-After), never a 500 nor a traceback; once the database is back the
portal recovers by itself, sessions included (they live in the database).

The test runs its own PostgreSQL cluster (initdb in a temporary directory, on a free port) so that stopping it
disturbs nothing else. One command: `.venv/bin/python -m pytest tests/load/test_database_restart.py` with
DATABASE_URL set (it is part of `make test` on PostgreSQL, so CI runs it)."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

from tests.helpers import run_manage, run_python
from tests.kit import Browser, Server, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.argon2]

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
BINDIR = os.path.dirname(BINARIES[-1]) if BINARIES else os.path.dirname(shutil.which("initdb") or "")


def _as_cluster_owner():
    """initdb and postgres refuse to run as root: as root, the cluster belongs to the `postgres` account."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root without a `postgres` account to own a private cluster")
    return ["runuser", "-u", "postgres", "--"]


class Cluster:
    def __init__(self, directory, port):
        self.data, self.port = os.path.join(directory, "data"), port
        self.prefix = _as_cluster_owner()
        if self.prefix:
            shutil.chown(directory, "postgres")
        self.log = os.path.join(directory, "postgres.log")

    def run(self, binary, *args):
        command = [*self.prefix, os.path.join(BINDIR, binary), *args]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {os.path.dirname(self.data)} -c fsync=off"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "-t", "60", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster():
    if not BINDIR or not os.path.exists(os.path.join(BINDIR, "initdb")):
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    directory = tempfile.mkdtemp(prefix="cafpro-pg-")
    os.chmod(directory, 0o755)
    cluster = Cluster(directory, free_port())
    try:
        cluster.run("initdb", "-D", cluster.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C")
        cluster.start()
        yield cluster
    finally:
        subprocess.run([*cluster.prefix, os.path.join(BINDIR, "pg_ctl"), "-D", cluster.data, "-m", "immediate",
                        "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(directory, ignore_errors=True)


def test_the_portal_answers_503_while_postgresql_is_down_and_recovers_by_itself(cluster):
    url = f"postgres://postgres@127.0.0.1:{cluster.port}/postgres"
    migrated = run_manage("migrate", "--noinput", env={"DATABASE_URL": url})
    assert migrated.returncode == 0, migrated.stderr
    made = run_python(
        "from tests.kit import greffiers, dossier_numbers; print(greffiers(1)[0], dossier_numbers(1)[0])",
        env={"DATABASE_URL": url},
    )
    assert made.returncode == 0, made.stderr
    identifier, number = made.stdout.split()
    with Server(url, workers=2) as server:
        browser = Browser(server).log_in(identifier)
        rubrique = browser.open_dossier(number)
        assert browser.get(rubrique).status == 200

        cluster.stop()
        newcomer = Browser(server)
        assert newcomer.get("/").status == 200  # the login form itself needs no database
        responses = [
            browser.get(rubrique),
            browser.get("/accueil/"),
            newcomer.post("/", {"identifier": identifier, "password": "Faux12"}),
        ]
        for response in responses:
            assert response.status == 503, (response.status, response.body[:300])
            assert "Service indisponible" in response.body
            assert "Traceback" not in response.body and "OperationalError" not in response.body

        cluster.start()
        statuses = [browser.get(rubrique).status for _ in range(4)]
        assert statuses == [200] * 4, statuses  # the first request after the restart already succeeds
        assert 'id="rubrique-title"' in browser.get(rubrique).body  # the session survived: still logged in
        assert "OperationalError" in server.output()  # the operators' log has what the users were not shown
