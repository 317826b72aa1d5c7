"""The benchmark's worker process: one `intake` run over the inbox its environment names.

The run is named after HOSO_BENCH_TAG, so the benchmark can find it on the Prefect
server afterwards, and through it its dossier runs and their task runs (e.g. how
long OCR took). A name, not a tag: Prefect hands a tag context down to every task
run, and a task run with tags asks the server for tag concurrency slots before it
starts, one API call per task that production runs never make.
"""

from __future__ import annotations

import os

from flows.intake import intake

if __name__ == "__main__":
    intake.with_options(flow_run_name=os.environ.get("HOSO_BENCH_TAG", "bench"))()
