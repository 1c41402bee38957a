"""A waiting run's place and wait (`models.workers.queueing`): visitors are served in turn."""

from __future__ import annotations

from models.workers.queueing import runs_ahead, wait_estimate


def test_a_visitor_with_one_run_waits_for_one_of_each_other_visitor_at_most():
    waiting = ["ann"] * 5 + ["bob"] * 2 + ["cid"]
    assert runs_ahead(waiting, "cid", all_busy=False) == 2  # one of ann's, one of bob's
    assert runs_ahead(waiting, "cid", all_busy=True) == 3  # and a running one ends first
    assert runs_ahead(waiting, "bob", all_busy=False) == 1 + 2 + 1  # own first, 2 ann, 1 cid


def test_the_wait_is_the_places_ahead_at_the_mean_run_time_over_the_workers():
    assert wait_estimate(4, [2.0, 4.0], workers=2) == 6.0
    assert wait_estimate(0, [], workers=2) == 0.0
