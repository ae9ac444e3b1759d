"""JRN-3, JRN-4 at scale: the security officer's journal page and irregularity report on a journal of N lines,
side by side with the Django admin changelist of the same table, in one run.

    createdb -h 127.0.0.1 -U postgres cafpro_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cafpro_bench
    .venv/bin/python bench/journal_bench.py --events 10000000

The journal is generated once (COPY, chained hashes, spread over 2 years, 123 CAFs, 3,000 users) and reused by
later runs with the same or a smaller --events. Each page is requested --repeat times through Django's test
client, as a logged-in user; medians are printed with their ratio to the officer's first page.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from conventions.enums import CafRoleKind  # noqa: E402
from conventions.models import Caf, CafRole  # noqa: E402
from habilitations.models import User  # noqa: E402
from habilitations.services import second_factor_pending  # noqa: E402
from journal.enums import JournalEvent  # noqa: E402
from journal.models import JournalEntry  # noqa: E402
from tests.habilitations.factories import pass_second_factor  # noqa: E402

PASSWORD = "bench-password-123"
EVENTS = (
    [JournalEvent.CONSULTATION] * 6
    + [JournalEvent.LOGIN_SUCCESS] * 2
    + [JournalEvent.LOGIN_FAILURE, JournalEvent.LOGOUT]
)
RUBRIQUES = ["paiements", "dossier", "famille", "rmi", "ressources", "adresse"]


def users(count):
    existing = User.objects.filter(identifier__startswith="B").count()
    if existing < count:
        User.objects.bulk_create(
            [User(identifier=f"B{i:07d}", password="!", must_change_password=False) for i in range(existing, count)]
        )
    return list(User.objects.filter(identifier__startswith="B").values_list("pk", flat=True)[:count])


def generate(target):
    have = JournalEntry.objects.count()
    if have >= target:
        print(f"journal: {have:_} lines already there".replace("_", " "))
        return
    rng = random.Random(1)
    user_ids = users(3000)
    identifiers = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "identifier"))
    caf_ids = list(Caf.objects.values_list("pk", flat=True))
    user_caf = {user_id: rng.choice(caf_ids) for user_id in user_ids}
    start = timezone.now() - dt.timedelta(days=730)
    step = dt.timedelta(days=730) / max(target - have, 1)
    columns = ["occurred_at", "event", "identifier_typed", "user_id", "source_ip", "user_agent", "detail", "caf_id",
               "allocataire_number", "rubrique", "period", "legal_aid_file", "procedure", "hash"]  # fmt: skip
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {JournalEntry._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for index in range(have, target):  # unsealed, as lines are between two runs of the sealer
            user_id = rng.choice(user_ids)
            event = rng.choice(EVENTS)
            consultation = event == JournalEvent.CONSULTATION
            copy.write_row(
                [start + step * (index - have), event, identifiers[user_id], user_id,
                 f"10.{user_id % 250}.{rng.randrange(250)}.{rng.randrange(1, 250)}", "Mozilla/5.0 (bench)", "",
                 user_caf[user_id], f"{rng.randrange(1_000_000, 9_999_999)}" if consultation else "",
                 rng.choice(RUBRIQUES) if consultation else "", "", "", "", ""]
            )  # fmt: skip
            if (index - have + 1) % 500_000 == 0:
                rate = (index - have + 1) / (time.perf_counter() - started)
                print(f"  {index + 1:_} lines ({rate:_.0f}/s)".replace("_", " "), flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {JournalEntry._meta.db_table}")
    print(f"journal: {target:_} lines, generated in {time.perf_counter() - started:.0f} s".replace("_", " "))


def logged_in(identifier, **flags):
    user, _ = User.objects.get_or_create(identifier=identifier, defaults={"must_change_password": False, **flags})
    user.set_password(PASSWORD)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save()
    client = Client()
    response = client.post("/", {"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302, response
    if second_factor_pending(response.wsgi_request):  # AUTH-11: staff give their code, as in the tests
        pass_second_factor(client, user)
    return user, client


def timed(client, url, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        content = response.content if not response.streaming else b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        assert content
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Ce banc d'essai vise PostgreSQL : définissez DATABASE_URL (voir l'aide du fichier).")
    call_command("migrate", verbosity=0)
    generate(args.events)
    officer, officer_client = logged_in("BENCHRS1", is_staff=True)
    caf = Caf.objects.get(number="161")
    CafRole.objects.get_or_create(user=officer, caf=caf, kind=CafRoleKind.SECURITY_OFFICER)
    _, admin_client = logged_in("BENCHSU1", is_staff=True, is_superuser=True)
    a_user = JournalEntry.objects.filter(caf=caf).order_by("-pk").values_list("user__identifier", flat=True).first()
    middle = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True)[args.events // 2]
    pages = [
        ("officer journal, first page (CAF 161)", officer_client, "/responsable-securite/journal/"),
        ("officer journal, one user", officer_client, f"/responsable-securite/journal/?utilisateur={a_user}"),
        (
            "officer journal, deep page (keyset, mid-table)",
            officer_client,
            f"/responsable-securite/journal/?avant={middle}",
        ),
        ("officer irregularity report, 7 days", officer_client, "/responsable-securite/irregularites/"),
        ("Django admin changelist (superuser)", admin_client, "/admin/journal/journalentry/"),
        (
            "Django admin changelist, search one identifier",
            admin_client,
            f"/admin/journal/journalentry/?q={a_user}",
        ),
        (
            "Django admin changelist, failed logins (10 %)",
            admin_client,
            f"/admin/journal/journalentry/?event__exact={JournalEvent.LOGIN_FAILURE}",
        ),
        (
            "Django admin changelist, lockouts (rare)",
            admin_client,
            f"/admin/journal/journalentry/?event__exact={JournalEvent.LOCKOUT}",
        ),
    ]
    results = [(label, timed(client, url, args.repeat)) for label, client, url in pages]
    reference = results[0][1]
    lines = JournalEntry.objects.count()
    count = f"{lines:_}".replace("_", " ")
    print(f"\n{count} journal lines, PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU, "
          f"median of {args.repeat} requests, {timezone.localdate():%Y-%m-%d}")  # fmt: skip
    print(f"{'page':52} {'median ms':>10} {'ratio':>7}")
    for label, median in results:
        print(f"{label:52} {median:10.1f} {median / reference:7.2f}")
    print(f"(settings: DEBUG={settings.DEBUG})")


if __name__ == "__main__":
    main()
