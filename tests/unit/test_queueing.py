"""A waiting run's place and wait (`models.workers.queueing`): visitors are served in turn."""

from __future__ import annotations

from models.workers.queueing import place_of, runs_ahead, wait_estimate


def test_a_visitor_with_one_run_waits_for_one_of_each_other_visitor_at_most():
    waiting = ["ann"] * 5 + ["bob"] * 2 + ["cid"]
    assert runs_ahead(waiting, "cid", all_busy=False) == 2  # one of ann's, one of bob's
    assert runs_ahead(waiting, "cid", all_busy=True) == 3  # and a running one ends first
    assert runs_ahead(waiting, "bob", all_busy=False) == 1 + 2 + 1  # own first, 2 ann, 1 cid


def test_each_run_of_a_batch_has_its_own_place():
    waiting = ["ann"] * 4 + ["bob"] * 2
    places = [runs_ahead(waiting, "ann", all_busy=True, place=i) for i in range(4)]
    assert places == [0 + 1 + 1, 1 + 2 + 1, 2 + 2 + 1, 3 + 2 + 1]  # own, bob's, one running
    assert runs_ahead(waiting, "ann", all_busy=True) == places[-1]  # no place: the last


def test_a_run_is_found_in_its_owners_line_even_when_another_visitor_watches_it():
    futures = [object() for _ in range(4)]
    waiting = list(zip(["ann", "bob", "ann", "bob"], futures, strict=True))
    assert place_of(waiting, futures[2], "ann") == ("ann", 1)
    assert place_of(waiting, futures[3], "cid") == ("bob", 1)  # cid joined bob's run
    assert place_of(waiting, object(), "cid") == ("cid", None)  # not waiting


def test_the_wait_is_the_places_ahead_at_the_mean_run_time_over_the_workers():
    assert wait_estimate(4, [2.0, 4.0], workers=2) == 6.0
    assert wait_estimate(0, [], workers=2) == 0.0
