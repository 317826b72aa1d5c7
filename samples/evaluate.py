"""Scoring pipeline results against the labels of a sample corpus.

The benchmark runs the real pipeline and hands its JSON records (the shape of
``hoso show --json``) to :func:`score`, in the order of the cases. Scores are
given for the whole corpus and separately for text-layer PDFs and scans,
because the targets of the issue are set on noisy scans.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, TextIO

from samples.corpus import SampleCase

#: Targets on noisy scans (issue 3); None where the issue sets none.
TARGETS: dict[str, float | None] = {
    "procedure": 0.99,
    "routing": 0.99,
    "verdict": 0.95,
    "status": None,
    "applicant_id": 0.98,
    "applicant_name": None,
}
LABELS = {
    "procedure": "Procedure",
    "routing": "Routing (office + commune)",
    "verdict": "Verdict (routed vs. not)",
    "status": "Status (exact)",
    "applicant_id": "`applicant_id` exact",
    "applicant_name": "`applicant_name` exact",
}


def _name(value: object) -> str:
    """Names compare as written, ignoring Unicode form, case and spacing."""
    return " ".join(unicodedata.normalize("NFC", str(value or "")).casefold().split())


def _field(result: Mapping[str, Any], name: str) -> object:
    value = (result.get("fields") or {}).get(name)
    if isinstance(value, Mapping):  # {"value": ..., "confidence": ...}
        value = value.get("value")
    return value


_CHECKS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[bool, object, object]]] = {
    "procedure": lambda r, e: (r.get("procedure") == e["procedure"], e["procedure"], r.get("procedure")),
    "routing": lambda r, e: (
        (r.get("office"), r.get("commune")) == (e["office"], e["commune"]),
        f"{e['office']} @ {e['commune']}",
        f"{r.get('office')} @ {r.get('commune')}",
    ),
    "verdict": lambda r, e: ((r.get("status") == "routed") == (e["status"] == "routed"), e["status"], r.get("status")),
    "status": lambda r, e: (r.get("status") == e["status"], e["status"], r.get("status")),
    "applicant_id": lambda r, e: (
        _field(r, "applicant_id") == e["applicant_id"], e["applicant_id"], _field(r, "applicant_id")
    ),
    "applicant_name": lambda r, e: (
        _name(_field(r, "applicant_name")) == _name(e["applicant_name"]),
        e["applicant_name"],
        _field(r, "applicant_name"),
    ),
}


@dataclass(frozen=True, slots=True)
class Miss:
    case: str
    metric: str
    expected: object
    got: object


def score(results: Sequence[Mapping[str, Any]], cases: Sequence[SampleCase]) -> dict[str, Any]:
    """Accuracy per metric, overall and per rendering, with every miss listed.

    ``results[i]`` is the pipeline's record for ``cases[i]``.
    """
    if len(results) != len(cases):
        raise ValueError(f"{len(results)} results for {len(cases)} cases")
    groups: dict[str, dict[str, list[bool]]] = {}
    misses: list[Miss] = []
    for result, case in zip(results, cases):
        expected = case.expected
        kind = str((expected.get("render") or {}).get("kind", "text"))
        for metric, check in _CHECKS.items():
            ok, want, got = check(result, expected)
            for group in ("all", kind):
                groups.setdefault(group, {}).setdefault(metric, []).append(ok)
            if not ok:
                misses.append(Miss(case.name, metric, want, got))
    summary: dict[str, Any] = {}
    for group, metrics in groups.items():
        summary[group] = {"n": len(metrics["procedure"]), "valid": 0, "valid_rejected": 0}
        for metric, oks in metrics.items():
            summary[group][metric] = sum(oks) / len(oks)
    # A valid dossier turned away is the worst miss (the resident is sent home): counted apart from the verdict.
    for result, case in zip(results, cases):
        if case.expected.get("status") != "routed":
            continue
        kind = str((case.expected.get("render") or {}).get("kind", "text"))
        rejected = result.get("status") == "rejected"
        for group in ("all", kind):
            summary[group]["valid"] += 1
            summary[group]["valid_rejected"] += rejected
        if rejected:
            misses.append(Miss(case.name, "valid_rejected", "routed", [p.get("code") for p in result.get("problems") or []]))
    summary["misses"] = [
        {"case": m.case, "metric": m.metric, "expected": m.expected, "got": m.got} for m in misses
    ]
    return summary


def markdown_table(scores: Mapping[str, Any]) -> str:
    """The scores as a Markdown table: one row per metric, one column per rendering."""
    groups = [g for g in ("all", "text", "scan") if g in scores]
    titles = {"all": "All", "text": "Text-layer PDFs", "scan": "Noisy scans"}
    header = ["Metric"] + [f"{titles[g]} (n={scores[g]['n']})" for g in groups] + ["Target (scans)"]
    rows = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for metric, label in LABELS.items():
        cells = [label]
        for group in groups:
            share = scores[group][metric]
            right = round(share * scores[group]["n"])
            cells.append(f"{share:.1%} ({right}/{scores[group]['n']})")
        target = TARGETS[metric]
        cells.append(f"≥ {target:.0%}" if target is not None else "–")
        rows.append("| " + " | ".join(cells) + " |")
    rows.append("| " + " | ".join([VALID_REJECTED] + [_valid_rejected(scores[g]) for g in groups] + ["0"]) + " |")
    return "\n".join(rows)


VALID_REJECTED = "Valid dossiers **rejected**"


def _valid_rejected(group: Mapping[str, Any]) -> str:
    return f"{group.get('valid_rejected', 0)} of {group.get('valid', 0)}"


def comparison_table(by_corpus: Mapping[str, Mapping[str, Any]]) -> str:
    """Several corpora side by side: one column per corpus and rendering (all, text-layer PDFs, scans)."""
    titles = {"all": "all", "text": "text", "scan": "scans"}
    columns = [(name, g) for name, scores in by_corpus.items() for g in ("all", "text", "scan") if g in scores]
    header = ["Metric"] + [f"{name}: {titles[g]} (n={by_corpus[name][g]['n']})" for name, g in columns]
    rows = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for metric, label in LABELS.items():
        rows.append("| " + " | ".join([label] + [f"{by_corpus[n][g][metric]:.1%}" for n, g in columns]) + " |")
    rows.append("| " + " | ".join([VALID_REJECTED] + [_valid_rejected(by_corpus[n][g]) for n, g in columns]) + " |")
    return "\n".join(rows)


def print_report(scores: Mapping[str, Any], out: TextIO = sys.stdout, misses: bool = True) -> None:
    """Print the table, then what went wrong, case by case."""
    print(markdown_table(scores), file=out)
    if misses and scores.get("misses"):
        print("\nMisses:", file=out)
        for miss in scores["misses"]:
            print(f"- {miss['case']}: {miss['metric']}: expected {miss['expected']!r}, got {miss['got']!r}", file=out)
