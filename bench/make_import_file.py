"""Writes an import file in the exchange format cafpro-dossier/1 from the demo generator (realistic dossiers,
valid NIRs, real communes), for the import benchmark:

    .venv/bin/python bench/make_import_file.py --dossiers 1000000 --output /tmp/dossiers.jsonl
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings")

import django  # noqa: E402

django.setup()

from allocataires.demo import DemoGenerator  # noqa: E402
from allocataires.importer import export_line  # noqa: E402
from conventions.models import Caf  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    generator = DemoGenerator(seed=args.seed, as_of=dt.date.today(), cafs=Caf.objects.order_by("pk"))
    started = time.perf_counter()
    with open(args.output, "w", encoding="utf-8") as out:
        for index in range(args.dossiers):
            out.write(export_line(*generator.dossier(generator.rng.choice(generator.cafs))) + "\n")
            if (index + 1) % 100_000 == 0:
                print(f"{index + 1} dossiers ({(index + 1) / (time.perf_counter() - started):.0f}/s)", flush=True)
    print(f"{args.dossiers} dossiers written to {args.output} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
