"""``python -m samples OUT_DIR [--count N] [--seed S]``: write a labelled corpus."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from samples.corpus import generate_corpus, generate_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=80, help="number of dossiers (default 80)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--scan-ratio", type=float, default=0.5, help="share rendered as noisy scans")
    parser.add_argument("--demo", action="store_true", help="write the small demo set instead")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.demo:
        cases = generate_demo(args.out_dir, seed=args.seed)
    else:
        cases = generate_corpus(args.out_dir, count=args.count, seed=args.seed, scan_ratio=args.scan_ratio)
    statuses = Counter(str(c.expected["status"]) for c in cases)
    kinds = Counter(str(c.expected["render"]["kind"]) for c in cases)  # type: ignore[index]
    print(f"{len(cases)} dossiers in {args.out_dir} ({time.monotonic() - started:.1f} s): "
          f"{dict(statuses)}, {dict(kinds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
