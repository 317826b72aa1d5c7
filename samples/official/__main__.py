"""``python -m samples.official OUT_DIR [--count N] [--seed S] [--scan-ratio R]``: write the official-wording corpus."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from samples.official.corpus import generate_official_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.official", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=48, help="number of dossiers (default 48)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scan-ratio", type=float, default=0.5, help="share rendered as noisy scans")
    args = parser.parse_args(argv)
    started = time.monotonic()
    cases = generate_official_corpus(args.out_dir, count=args.count, seed=args.seed, scan_ratio=args.scan_ratio)
    statuses = Counter(str(c.expected["status"]) for c in cases)
    kinds = Counter(str(c.expected["render"]["kind"]) for c in cases)  # type: ignore[index]
    addresses = Counter(str(c.expected["render"]["address"]) for c in cases)  # type: ignore[index]
    print(f"{len(cases)} dossiers in {args.out_dir} ({time.monotonic() - started:.1f} s): {dict(statuses)}, "
          f"{dict(kinds)}, addresses {dict(addresses)}; labels in {args.out_dir / 'labels.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
