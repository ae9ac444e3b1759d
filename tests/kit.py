"""NF-3, NF-4: what the load benchmark (`bench/load_bench.py`) and the load and fault tests (`tests/load/`)
share — gunicorn started on a PostgreSQL database as `make serve` starts it, greffiers with their habilitation,
and a load generator of browsers that log in, type an allocataire number and read rubriques.

Standard library only: a browser is one `http.client` connection with its cookies; the load runs in threads
(the server's processes, not the generator, are what is measured; both sides of every ratio share the same
generator)."""

import datetime as dt
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# PUR-1: the legal-aid file every search of the tests and benchmarks states.
PURPOSE = {"legal_aid_file": "2026/001234", "procedure": "admission"}

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Charg1"  # a partner password: 6 characters (AUTH-1)
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict):
    """The URL of a Django database (the test database, in the tests) for a server in another process."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class Server:
    """gunicorn with `workers` sync worker processes on `database_url`, production settings but plain HTTP on
    127.0.0.1 (no TLS proxy in front): DEBUG off, whitenoise, the database sessions and lockout state."""

    def __init__(self, database_url, *, workers=2, settings="cafpro.settings", env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(prefix="cafpro-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.env = {
            **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": settings,
            "DJANGO_SECURE": "0",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            **(env or {}),
        }
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cafpro.wsgi", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail("gunicorn s'est arrêté au démarrage")
            try:
                if Browser(self).get("/accessibilite/").status == 200 and len(self.worker_pids()) == self.workers:
                    return self
            except CONNECTION_ERRORS:
                pass
            time.sleep(0.2)
        self._fail("gunicorn ne répond pas après 60 s")

    def _fail(self, reason):
        output = self.output()
        self.__exit__()
        raise RuntimeError(f"{reason} :\n{output}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def worker_pids(self):
        """The worker processes' ids, read from /proc (the arbiter's children)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def kill_worker(self):
        """SIGKILL one worker, as the kernel's OOM killer or a crash would; the arbiter starts another."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def output(self):
        return Path(self.log.name).read_text(errors="replace")[-4000:]


@dataclass
class Response:
    status: int
    location: str
    body: str


class Browser:
    """One user's browser: its cookies and one connection (reopened when the server closes it)."""

    def __init__(self, server, timeout=60):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        self.cookies = {}

    def request(self, method, path, form=None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode("utf-8", errors="replace")
        except CONNECTION_ERRORS:
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in header.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.will_close:
            self.connection.close()
        return Response(response.status, response.headers.get("Location", ""), content)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form, token_from=None):
        """A form posted as a browser does: with the CSRF token of the page that shows it."""
        page = self.get(token_from or path).body
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise AssertionError(f"pas de jeton CSRF sur {token_from or path}")
        return self.request("POST", path, {"csrfmiddlewaretoken": match.group(1), **form})

    def log_in(self, identifier, password=PASSWORD):
        response = self.post("/", {"identifier": identifier, "password": password})
        if response.status != 302 or response.location != "/accueil/":
            raise AssertionError(f"connexion de {identifier} refusée : {response.status} {response.location}")
        return self

    def open_dossier(self, number):
        """Types the allocataire number (a local access): the path of its first rubrique."""
        response = self.post("/consulter/", {"number": number, **PURPOSE}, token_from="/accueil/")
        if response.status != 302:
            raise AssertionError(f"dossier {number} introuvable : {response.status}")
        return response.location


def greffiers(count, prefix="L", caf_number="161"):
    """`count` greffiers (identifiers `L0000001`…) with an active T12 habilitation under the demo convention
    of CAF `caf_number`, password PASSWORD, created once. Runs in a process where Django is set up."""
    from django.utils import timezone

    from allocataires.demo import ensure_demo_conventions
    from conventions.models import Profile
    from habilitations.enums import GreffeFunction, HabilitationStatus
    from habilitations.models import Habilitation, User

    today = timezone.localdate()
    convention = next(c for c in ensure_demo_conventions(today).values() if c.caf.number == caf_number)
    profile = Profile.objects.get(code="T12")
    identifiers = [f"{prefix}{index:07d}" for index in range(1, count + 1)]
    for identifier in identifiers:
        if User.objects.filter(identifier=identifier).exists():
            continue
        user = User.objects.create_user(
            identifier, PASSWORD, must_change_password=False, password_changed_at=timezone.now()
        )
        Habilitation.objects.create(
            user=user,
            convention=convention,
            profile=profile,
            function=GreffeFunction.GREFFIER,
            status=HabilitationStatus.ACTIVE,
            granted_on=convention.starts_on,
        )
    return identifiers


def dossier_numbers(count, caf_number="161", with_payments=False):
    """Numbers of `count` dossiers of the CAF (created with the demo generator when the CAF has fewer); with
    `with_payments`, dossiers that have AAH payments (so that the Paiements rubrique shows a table)."""
    from allocataires.demo import seed_dossiers
    from allocataires.models import Dossier, Payment
    from conventions.models import Caf

    caf = Caf.objects.get(number=caf_number)
    have = Dossier.objects.filter(caf=caf).count()
    if have < count:
        seed_dossiers(count=count - have, seed=have + 1, as_of=dt.date.today(), cafs=[caf])
    dossiers = Dossier.objects.filter(caf=caf).order_by("pk")
    if with_payments:
        dossiers = dossiers.filter(pk__in=Payment.objects.filter(dossier__caf=caf).values("dossier"))
    return list(dossiers.values_list("number", flat=True)[:count])


def cpu_seconds(pids):
    """User + system CPU time consumed so far by these processes and by their children that ended (from /proc:
    a PostgreSQL backend that exits is counted in its postmaster)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids():
    """The processes of a PostgreSQL server running on this machine (its backends serve the load)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in ("postgres", "postmaster"):
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


@dataclass
class Stats:
    """What a load saw: every request's status (or connection error) and latency."""

    duration: float = 0.0
    latencies: list = field(default_factory=list)  # seconds, of the requests answered
    statuses: Counter = field(default_factory=Counter)  # status code, or the exception's name
    app_cpu: float = 0.0  # CPU seconds of the gunicorn workers during the load, when measured
    db_cpu: float = 0.0  # CPU seconds of the PostgreSQL processes
    client_cpu: float = 0.0  # CPU seconds of the load generator itself (it shares the machine's cores)

    @property
    def throughput(self):
        return len(self.latencies) / self.duration if self.duration else 0.0

    def percentile(self, p):
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def merge(self, other):
        self.duration += other.duration
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.app_cpu += other.app_cpu
        self.db_cpu += other.db_cpu
        self.client_cpu += other.client_cpu
        return self

    def line(self, label):
        per_request = 1000 / max(len(self.latencies), 1)
        return (
            f"{label:38} {self.throughput:8.1f} {1000 * self.percentile(50):8.1f} {1000 * self.percentile(95):8.1f}"
            f" {self.app_cpu * per_request:9.2f} {self.db_cpu * per_request:9.2f}"
            f" {self.client_cpu * per_request:9.2f}   {dict(self.statuses)}"
        )


def run_load(jobs, *, duration=None, count=None):
    """Each job — (browser, step) where step(browser) makes one request and returns its status — loops in its
    own thread, for `duration` seconds or `count` steps; every step's status and latency is recorded."""
    stats, lock = Stats(), threading.Lock()
    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + duration if duration else None

    def loop(browser, step):
        done = 0
        while (deadline is None or time.perf_counter() < deadline) and (count is None or done < count):
            before = time.perf_counter()
            try:
                status = step(browser)
            except CONNECTION_ERRORS as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - before
            with lock:
                stats.statuses[status] += 1
                if isinstance(status, int):
                    stats.latencies.append(elapsed)
            done += 1

    threads = [threading.Thread(target=loop, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats.duration = time.perf_counter() - started
    stats.client_cpu = time.process_time() - cpu
    return stats
