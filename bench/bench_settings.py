"""The production settings plus a bench-only URLconf (``bench.bench_urls``): the stock Django
admin changelist of the catalogue rows and a bare 50-row page, measured beside the product's
pages in ``perf_bench`` and never mounted by the product itself. Static files are collected
into the bench's own directory (production serves them from a manifest)."""

import os

from powens_admin.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
