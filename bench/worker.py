"""The benchmark's worker process: one `intake` run over the inbox its environment names."""

from __future__ import annotations

from flows.intake import intake

if __name__ == "__main__":
    intake()
