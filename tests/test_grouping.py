"""How intake cuts a batch for the work pool (flows/intake.py `group_sizes`): pure arithmetic, no stack."""

from __future__ import annotations

import pytest

from flows.intake import group_sizes


@pytest.mark.parametrize(
    ("count", "workers", "largest", "sizes"),
    [
        (40, 2, 20, [20, 20]),  # one group per worker: one process start each
        (40, 2, 8, [7, 7, 7, 7, 6, 6]),  # groups capped: three rounds of two
        (8, 1, 20, [8]),
        (8, 2, 20, [4, 4]),
        (3, 2, 20, [2, 1]),
        (1, 3, 20, [1]),  # never an empty group
        (5, 0, 20, [5]),  # no worker heard from yet: one group, for whichever comes
    ],
)
def test_a_batch_is_cut_into_equal_groups_a_multiple_of_the_workers(count: int, workers: int, largest: int, sizes: list[int]) -> None:
    assert group_sizes(count, workers, largest) == sizes


def test_every_dossier_is_in_one_group_and_no_group_is_over_the_cap() -> None:
    for count in range(1, 90):
        for workers in (1, 2, 3, 5):
            sizes = group_sizes(count, workers, 16)
            assert sum(sizes) == count and max(sizes) <= 16 and max(sizes) - min(sizes) <= 1
            assert len(sizes) % workers == 0 or len(sizes) == count


def test_an_empty_inbox_has_no_group() -> None:
    assert group_sizes(0, 2, 20) == []
