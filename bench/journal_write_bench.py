"""JRN-7: journal lines written per second on PostgreSQL by 1, 4 and 16 concurrent writers (threads, each with its
own connection, as app server processes would be), in two ways, interleaved round after round:

- **journal_record**: the portal's own write (`journal.services.journal_record`): one INSERT, no lock — the sealer
  chains the lines later; the database's insert trigger (no back-dated line, JRN-8) runs on it;
- **plain INSERT**: the same row inserted by hand-written SQL through the driver, no ORM: the limit (the same
  trigger runs on it too: it is the table's).

The ratio journal_record ÷ plain INSERT must stay ≥ 0.7 at 16 writers (issue #23; docs/performance.md).

    .venv/bin/python bench/journal_write_bench.py --database postgres://postgres@127.0.0.1:5432/cafpro_bench

The database is migrated if needed; the lines written are deleted at the end (as the database's superuser, the
triggers switched off for that statement only).
"""

import argparse
import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import setup_postgres  # noqa: E402 — the project, on the path just above


def setup(database):
    os.environ.setdefault("DJANGO_DEBUG", "0")  # as in production: no query log
    setup_postgres(database, os.environ.get("DJANGO_SETTINGS_MODULE", "cafpro.settings"))


def writers():
    """The two ways of writing one line, each a function of a counter."""
    from django.db import connection
    from django.utils import timezone

    from journal.enums import JournalEvent
    from journal.models import JournalEntry
    from journal.services import journal_record

    table = JournalEntry._meta.db_table
    columns = (
        "occurred_at, event, identifier_typed, user_agent, detail, allocataire_number, rubrique, period, "
        "legal_aid_file, procedure, hash"
    )
    insert = (
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, 'bench', '', '1000001', 'paiements', '', '', '', %s)"
    )

    def record(index):
        journal_record(
            event=JournalEvent.CONSULTATION, identifier="BENCH001", allocataire_number="1000001", rubrique="paiements"
        )

    def plain(index):
        with connection.cursor() as cursor:
            cursor.cursor.execute(insert, [timezone.now(), "consultation", "BENCH001", ""])

    return {"journal_record": record, "plain INSERT (the limit)": plain}


def run(write, threads, seconds):
    """Lines per second written by `threads` writers during `seconds`."""
    from django.db import connection

    counts, stop = [0] * threads, threading.Event()

    def loop(slot):
        try:
            while not stop.is_set():
                write(counts[slot])
                counts[slot] += 1
        finally:
            connection.close()

    pool = [threading.Thread(target=loop, args=(slot,)) for slot in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in pool:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def clean():
    from django.db import connection

    from journal.models import JournalEntry

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE identifier_typed = 'BENCH001'")
        cursor.execute("SET session_replication_role = origin")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"), help="URL PostgreSQL")
    parser.add_argument("--seconds", type=float, default=5, help="durée de chaque mesure (défaut 5 s)")
    parser.add_argument("--rounds", type=int, default=3, help="tours (défaut 3)")
    parser.add_argument("--writers", default="1,4,16", help="nombres d'écrivains (défaut 1,4,16)")
    args = parser.parse_args()
    if not args.database:
        parser.error("--database (ou DATABASE_URL) est requis")
    setup(args.database)
    modes, counts = writers(), [int(n) for n in args.writers.split(",")]
    rates = {(mode, n): [] for mode in modes for n in counts}
    try:
        for round_ in range(1, args.rounds + 1):
            for n in counts:
                for mode, write in modes.items():
                    rate = run(write, n, args.seconds)
                    rates[(mode, n)].append(rate)
                    print(f"round {round_}/{args.rounds} {mode}, {n} writers: {rate:,.0f} lines/s", file=sys.stderr)
    finally:
        clean()
    print(f"\n{dt.date.today()}, {os.cpu_count()} CPU, {args.rounds} rounds × {args.seconds:g} s, median lines/s")
    print(f"{'writers':>8}" + "".join(f"{mode:>28}" for mode in modes) + f"{'journal_record / limit':>26}")
    for n in counts:
        medians = {mode: sorted(rates[(mode, n)])[len(rates[(mode, n)]) // 2] for mode in modes}
        ratio = medians["journal_record"] / medians["plain INSERT (the limit)"]
        print(f"{n:>8}" + "".join(f"{medians[mode]:>28,.0f}" for mode in modes) + f"{ratio:>26.2f}")


if __name__ == "__main__":
    main()
