"""NF-3: where a consultation's CPU goes, in one process, beside the framework's floor.

The floor (bench/urls.py), the portal home and the rubrique Paiements (the 12 months before a legal-aid request
made today, on a dossier with AAH payments) are requested in turn through Django's test client, in one process,
on a PostgreSQL database (DATABASE_URL, or --database), `DEBUG` off unless DJANGO_DEBUG says otherwise, rounds
interleaved. For each: the CPU time of the whole request and of each part of the view, and the queries each part
makes; then the rubrique's own statements replayed straight through the driver. No HTTP server, no load generator
and no PostgreSQL CPU in these figures: they show the Python cost that `bench/load_bench.py` measures under load.

    .venv/bin/python bench/page_cost.py --database postgres://postgres@127.0.0.1:5432/cafpro_small
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from django.core.signals import request_started

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import setup_postgres  # noqa: E402 — the project, on the path just above

# The parts of a consultation view, by the function that does each one (in allocataires.views, and the
# rubrique's reader).
PARTS = {
    "access_for": "access check (habilitation, convention, CAFs — HAB-2, CONS-5)",
    "opened_dossier": "dossier within scope, its persons (CONS-5)",
    "read": "payments of the period (CONS-8)",
    "consultation_record": "journal line: one insert (JRN-2, JRN-7)",
    "_portal": "page: context and templates",
}
OUTSIDE = "outside the view: middleware, session, user, response"


class Meter:
    """CPU time and queries of the parts (the functions of PARTS), while `measuring`; the parts do not nest."""

    def __init__(self, connection):
        self.cpu, self.queries, self.current = Counter(), Counter(), None
        self.connection = connection
        self.statements = []  # the statements of the parts during the last request, with their parameters
        request_started.connect(self.new_request)

    def wrap(self, owner, name):
        function = getattr(owner, name)

        def measured(*args, **kwargs):
            outer, self.current = self.current, name
            before = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.cpu[name] += time.process_time() - before
                self.current = outer

        object.__setattr__(owner, name, measured)  # the rubrique's declaration is a frozen dataclass

    def count(self, execute, sql, params, many, context):
        self.queries[self.current or OUTSIDE] += 1
        if self.current is not None:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def new_request(self, **kwargs):
        self.statements = []

    @contextmanager
    def measuring(self):
        self.cpu.clear()
        self.queries.clear()
        with self.connection.execute_wrapper(self.count):
            yield


def setup(database):
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    os.environ.setdefault("DJANGO_DEBUG", "0")  # as in production and in load_bench.py: no query log
    setup_postgres(database, "bench.settings")


def replay(connection, statements, count):
    """CPU time of executing the rubrique's own statements `count` times straight through psycopg (in a
    transaction rolled back: the journal is left as it was): the part of their cost no ORM could remove."""
    from django.db import transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor, under Django's wrappers
            before = time.process_time()
            for _ in range(count):
                for sql, params in statements:
                    raw.execute(sql, params)
                    if raw.description:
                        raw.fetchall()
            spent = time.process_time() - before
        transaction.set_rollback(True)
    return spent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database", default=os.environ.get("DATABASE_URL"), help="URL PostgreSQL (défaut : DATABASE_URL)"
    )
    parser.add_argument("--requests", type=int, default=300, help="requêtes par page et par tour (défaut 300)")
    parser.add_argument("--rounds", type=int, default=3, help="tours (défaut 3)")
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers de la Caf, créés au besoin (défaut 1000)")
    args = parser.parse_args()
    if not args.database:
        parser.error("--database (ou DATABASE_URL) est requis")
    setup(args.database)

    from django.db import connection
    from django.test import Client

    import allocataires.views
    from conventions.rubriques import CATALOGUE
    from tests.kit import PASSWORD, PURPOSE, dossier_numbers, greffiers

    meter = Meter(connection)
    owners = {"read": CATALOGUE["paiements"]}
    for name in PARTS:
        meter.wrap(owners.get(name, allocataires.views), name)  # before bench.urls is imported

    dossier_numbers(args.dossiers)  # the CAF's dossiers, made with the demo generator when it has fewer
    [identifier], numbers = greffiers(1, prefix="C"), dossier_numbers(1, with_payments=True)
    if not numbers:
        sys.exit("Aucun dossier avec des paiements AAH : augmentez --dossiers.")
    number = numbers[0]
    client = Client()
    if client.post("/", {"identifier": identifier, "password": PASSWORD}).status_code != 302:
        sys.exit(f"Connexion de {identifier} impossible.")
    opened = client.post("/consulter/", {"number": number, **PURPOSE})
    if opened.status_code != 302:
        sys.exit(f"Dossier {number} introuvable.")
    pages = {
        "floor": "/banc/plancher/",
        "portal home": "/accueil/",
        "rubrique Paiements": f"{opened['Location']}?date={dt.date.today():%d%m%Y}&mode=douze_mois",
    }
    totals = {page: 0.0 for page in pages}
    parts = {page: Counter() for page in pages}
    queries = {}
    for round_ in range(1, args.rounds + 1):
        for page, path in pages.items():
            for _ in range(20):  # warm: templates compiled, connection open
                client.get(path)
            with meter.measuring():
                before = time.process_time()
                for _ in range(args.requests):
                    if client.get(path).status_code != 200:
                        sys.exit(f"{page} : réponse inattendue.")
                spent = time.process_time() - before
            totals[page] += spent
            parts[page].update(meter.cpu)
            queries[page] = {part: count // args.requests for part, count in meter.queries.items()}
            if page == "rubrique Paiements":
                statements = meter.statements
            print(f"round {round_}/{args.rounds} {page}: {1000 * spent / args.requests:.2f} ms", file=sys.stderr)

    count = args.requests * args.rounds
    table = []
    for name, label in PARTS.items():
        table.append((label, [(parts[page][name], queries[page].get(name, 0)) for page in pages]))
    outside = [(totals[page] - sum(parts[page].values()), queries[page].get(OUTSIDE, 0)) for page in pages]
    table.append((OUTSIDE, outside))
    table.append(("whole request", [(totals[page], sum(queries[page].values())) for page in pages]))
    replayed = (replay(connection, statements, count), len(statements))
    table.append(("the rubrique's view statements alone, through the driver", [None, None, replayed]))

    def cell(measure):
        return f"{1000 * measure[0] / count:8.2f} ms {measure[1]:2d} q" if measure and measure[0] else ""

    print(f"\n{dt.date.today()}, {os.cpu_count()} CPU, one process, {args.rounds} rounds × {args.requests} requests")
    print(f"{'CPU time per request, queries':62}" + "".join(f"{page:>20}" for page in pages))
    for label, measures in table:
        print(f"{label:62}" + "".join(f"{cell(measure):>20}" for measure in measures))
    print()
    for page in ("portal home", "rubrique Paiements"):
        print(f"{page} / floor CPU: {totals[page] / totals['floor']:.2f}")


if __name__ == "__main__":
    main()
