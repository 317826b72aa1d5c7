"""The benchmark's worker process: one `intake` run over the inbox its environment names.

Every run it makes carries the tag in HOSO_BENCH_TAG, so the benchmark can read
its task runs back from the Prefect server (e.g. how long OCR took).
"""

from __future__ import annotations

import os

from prefect import tags

from flows.intake import intake

if __name__ == "__main__":
    with tags(os.environ.get("HOSO_BENCH_TAG", "bench")):
        intake()
