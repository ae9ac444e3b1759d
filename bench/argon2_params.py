"""Argon2id cost per password verification, for the parameters CAFPRO uses and the alternatives weighed in
docs/security.md, measured side by side in one run (rounds interleaved, so that the machine's noise hits
every candidate alike).

    .venv/bin/python bench/argon2_params.py [--rounds 7] [--per-round 5]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import argon2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings")

from habilitations.hashers import CafproArgon2PasswordHasher  # noqa: E402

CANDIDATES = {
    "CAFPRO (t=2, m=32 MiB, p=1)": (
        CafproArgon2PasswordHasher.time_cost,
        CafproArgon2PasswordHasher.memory_cost,
        CafproArgon2PasswordHasher.parallelism,
    ),
    "OWASP minimum (t=2, m=19 MiB, p=1)": (2, 19456, 1),
    "Django 5.2 default (t=2, m=100 MiB, p=8)": (2, 102400, 8),
    "RFC 9106 second choice (t=3, m=64 MiB, p=4)": (3, 65536, 4),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=5)
    args = parser.parse_args()
    hashers = {
        name: argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p)
        for name, (t, m, p) in CANDIDATES.items()
    }
    hashes = {name: hasher.hash("Zq9xw4") for name, hasher in hashers.items()}
    samples = {name: [] for name in hashers}
    for _ in range(args.rounds):
        for name, hasher in hashers.items():
            started = time.perf_counter()
            for _ in range(args.per_round):
                hasher.verify(hashes[name], "Zq9xw4")
            samples[name].append((time.perf_counter() - started) / args.per_round * 1000)
    reference = statistics.median(samples[next(iter(CANDIDATES))])
    print(f"{'parameters':45} {'median ms':>10} {'min ms':>8} {'ratio':>6}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:45} {median:10.1f} {min(values):8.1f} {median / reference:6.2f}")
    print(f"({os.cpu_count()} CPU, {args.rounds} rounds × {args.per_round} verifications, one thread)")


if __name__ == "__main__":
    main()
