"""The production settings plus the benchmark's floor view (bench/urls.py); used only by bench/load_bench.py."""

from cafpro.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
