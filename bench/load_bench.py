"""NF-3: the consultation under concurrent load, on gunicorn and PostgreSQL, in one run:

- a rubrique page (Paiements, the payments of the 12 months before a request made today) side by side with a
  trivial authenticated view of the same stack (the framework's floor, bench/urls.py) and with the portal's
  home page (access check and page template, no dossier, no journal): throughput, p50, p95, CPU per request,
  and their ratio;
- the same rubrique on a small database (1,000 dossiers) and on a large one (1,000,000 dossiers with their
  payments, children and resources, and 10 million journal lines): the p95 ratio;
- logins per second with the chosen Argon2 parameters.

The scenarios are interleaved, round after round, so that the noise of this shared machine falls on all of
them alike. The large database is made once (docs/performance.md):

    createdb -h 127.0.0.1 -U postgres cafpro_large
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cafpro_large
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/make_import_file.py --dossiers 1000000 --output /tmp/d1m.jsonl   # 6 min
    .venv/bin/python manage.py import_dossiers /tmp/d1m.jsonl                                # 5 min
    .venv/bin/python bench/journal_bench.py --events 10000000                                # 6 min + its pages

then:

    createdb -h 127.0.0.1 -U postgres cafpro_small
    .venv/bin/python bench/load_bench.py --small postgres://postgres@127.0.0.1:5432/cafpro_small \\
        --large postgres://postgres@127.0.0.1:5432/cafpro_large
"""

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.kit import PASSWORD, ROOT, Browser, Server, Stats, cpu_seconds, postgres_pids, run_load  # noqa: E402


def prepare(users, small_dossiers):
    """In a child process on DATABASE_URL: migrations, the greffiers, the dossiers they consult; prints JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from allocataires.models import Dossier, Payment
    from journal.models import JournalEntry
    from tests.kit import dossier_numbers, greffiers

    if connection.vendor != "postgresql":
        sys.exit("Ce banc d'essai vise PostgreSQL : --small et --large sont des URL postgres://…")
    call_command("migrate", verbosity=0)
    identifiers = greffiers(users, prefix="C")
    if not Dossier.objects.exists():
        dossier_numbers(small_dossiers)
    numbers = dossier_numbers(users, with_payments=True)
    tables = [Dossier._meta.db_table, Payment._meta.db_table, JournalEntry._meta.db_table]
    with connection.cursor() as cursor:  # estimates: counting 10 million lines would take longer than the bench
        cursor.execute(f"ANALYZE {', '.join(tables)}")
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [tables])
        sizes = dict(cursor.fetchall())
    print(json.dumps({
        "identifiers": identifiers,
        "numbers": numbers[:users],
        "dossiers": Dossier.objects.count(),
        "payments": max(sizes.get(Payment._meta.db_table, 0), 0),
        "journal": max(sizes.get(JournalEntry._meta.db_table, 0), 0),
    }))  # fmt: skip


def prepared(url, users, small_dossiers):
    result = subprocess.run(
        [sys.executable, __file__, "--prepare", "--users", str(users), "--small-dossiers", str(small_dossiers)],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        sys.exit(f"Préparation de {url} impossible :\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def sessions(server, data):
    """One logged-in browser per greffier, each with its dossier opened: (browser, its Paiements over the 12
    months before a legal-aid request made today — the table of payments, CONS-8)."""
    result, query = [], f"?date={dt.date.today():%d%m%Y}&mode=douze_mois"
    for identifier, number in zip(data["identifiers"], data["numbers"], strict=False):
        browser = Browser(server).log_in(identifier)
        result.append((browser, browser.open_dossier(number) + query))
    return result


def get(path):
    return lambda browser: browser.get(path).status


def login_job(server, identifiers):
    cycle = itertools.cycle(identifiers)

    def step(browser):
        return Browser(server).post("/", {"identifier": next(cycle), "password": PASSWORD}).status

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", help="URL PostgreSQL de la petite base (créée et remplie au besoin)")
    parser.add_argument("--large", help="URL PostgreSQL de la grande base (1 M dossiers, 10 M lignes de journal)")
    parser.add_argument("--workers", type=int, default=4, help="processus gunicorn par serveur (défaut 4)")
    parser.add_argument("--users", type=int, default=8, help="utilisateurs simultanés (défaut 8)")
    parser.add_argument("--seconds", type=float, default=8, help="durée de chaque scénario par tour (défaut 8)")
    parser.add_argument("--rounds", type=int, default=3, help="tours (défaut 3)")
    parser.add_argument("--small-dossiers", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare(args.users, args.small_dossiers)
    if not args.small or not args.large:
        parser.error("--small et --large sont requis")
    small = prepared(args.small, args.users, args.small_dossiers)
    large = prepared(args.large, args.users, args.small_dossiers)
    results = {}
    with (
        Server(args.small, workers=args.workers, settings="bench.settings") as small_server,
        Server(args.large, workers=args.workers, settings="bench.settings") as large_server,
    ):
        on_small, on_large = sessions(small_server, small), sessions(large_server, large)
        scenarios = {
            "floor (small)": [(browser, get("/banc/plancher/")) for browser, _ in on_small],
            "portal home (small)": [(browser, get("/accueil/")) for browser, _ in on_small],
            "rubrique Paiements (small)": [(browser, get(path)) for browser, path in on_small],
            "rubrique Paiements (large)": [(browser, get(path)) for browser, path in on_large],
            "login (small)": [(None, login_job(small_server, small["identifiers"])) for _ in on_small],
        }
        servers = {"small": small_server, "large": large_server}
        for round_ in range(1, args.rounds + 1):
            for label, jobs in scenarios.items():
                server = servers["large" if "large" in label else "small"]
                app, db = cpu_seconds(server.worker_pids()), cpu_seconds(postgres_pids())
                stats = run_load(jobs, duration=args.seconds)
                stats.app_cpu = cpu_seconds(server.worker_pids()) - app
                stats.db_cpu = cpu_seconds(postgres_pids()) - db
                results[label] = results.get(label, Stats()).merge(stats)
                print(f"round {round_}/{args.rounds} {stats.line(label)}", file=sys.stderr, flush=True)
    print(f"\n{dt.date.today()}, {os.cpu_count()} CPU, gunicorn {args.workers} sync workers per server, "
          f"{args.users} concurrent users, {args.rounds} rounds × {args.seconds:g} s per scenario")  # fmt: skip
    for name, data in (("small", small), ("large", large)):
        print(f"{name}: {data['dossiers']:,} dossiers, ~{data['payments']:,} payments, ~{data['journal']:,} "
              "journal lines".replace(",", " "))  # fmt: skip
    columns = ["req/s", "p50 ms", "p95 ms"], ["app ms/r", "db ms/r", "gen ms/r"]
    print(f"\n{'scenario':38} " + " ".join(f"{c:>8}" for c in columns[0]) + "".join(f" {c:>9}" for c in columns[1]))
    print("(app, db, gen: CPU time of the gunicorn workers, of PostgreSQL and of this load generator per request)")
    for label, stats in results.items():
        print(stats.line(label))
    floor, small_page = results["floor (small)"], results["rubrique Paiements (small)"]
    large_page, login = results["rubrique Paiements (large)"], results["login (small)"]
    print(f"\nrubrique / floor throughput (small): {small_page.throughput / floor.throughput:.2f}   (goal ≥ 0.5)")
    home = results["portal home (small)"]
    print(f"portal home / floor throughput:       {home.throughput / floor.throughput:.2f}")
    print(f"p95 large / p95 small (rubrique):     {large_page.percentile(95) / small_page.percentile(95):.2f}"
          "   (goal ≤ 1.5)")  # fmt: skip
    print(f"p50 large / p50 small (rubrique):     {large_page.percentile(50) / small_page.percentile(50):.2f}")
    print(f"logins per second:                    {login.throughput:.1f}")
    bad = [label for label, stats in results.items() if set(stats.statuses) != {200 if "login" not in label else 302}]
    if bad:
        sys.exit(f"Réponses inattendues dans : {', '.join(bad)}")


if __name__ == "__main__":
    main()
