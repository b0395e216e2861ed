"""Batch verification's forked helpers: answers come back in order, and a failing helper costs no answer."""

from __future__ import annotations

import os

from drand_edu.chain.batch import _on_helpers


def test_each_chunk_is_answered_in_order() -> None:
    assert _on_helpers(sum, [[1, 2], [3, 4], [5]]) == [3, 7, 5]


def test_a_helper_that_fails_is_replaced_by_this_process() -> None:
    parent = os.getpid()

    def only_here(chunk: list[int]) -> int:
        if os.getpid() != parent:
            raise RuntimeError("helpers fail")
        return sum(chunk)

    assert _on_helpers(only_here, [[1], [2], [3]]) == [1, 2, 3]
