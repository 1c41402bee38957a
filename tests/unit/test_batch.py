"""A Batch of jobs, with stand-in handles: start, watch, stop, collect, statuses, progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.data.toy_data import DataSpec
from models.spec import ModelSpec
from models.training.engine import TrainConfig, TrainResult
from models.workers.batch import Batch
from models.workers.jobs import TrainJob
from support.histories import history_of


@dataclass
class FakeHandle:
    """A job handle whose state the test sets: queued, started (with epochs), or ended."""

    job: TrainJob
    started_: bool = False
    epochs: list[float] = field(default_factory=list)
    outcome_: tuple | None = None
    stopped: bool = False

    def started(self) -> bool:
        return self.started_

    def done(self) -> bool:
        return self.outcome_ is not None

    def stop(self) -> None:
        self.stopped = True

    def touch(self) -> None:
        self.touched = getattr(self, "touched", 0) + 1

    def history(self):
        return history_of(self.epochs)

    def rows(self):
        return self.epochs

    def seconds_left(self):
        return 2.5 if self.epochs else None

    def outcome(self):
        return self.outcome_


class FakeService:
    def __init__(self):
        self.submitted = []

    def submit(self, job: TrainJob, owner=None, deadline_seconds=None) -> FakeHandle:
        self.submitted.append(FakeHandle(job))
        return self.submitted[-1]

    def going_for(self, owner) -> int:
        return 0

    def queue_position(self, handle) -> int:
        return self.submitted.index(handle)

    def wait_seconds(self, ahead) -> float | None:
        return None


def _jobs(n: int) -> list[TrainJob]:
    return [TrainJob(ModelSpec(), DataSpec(seed=i), TrainConfig(epochs=10)) for i in range(n)]


def _result(status: str, losses: list[float]) -> TrainResult:
    return TrainResult(history_of(losses), status, "", len(losses), 1.5, None, None, False)


def test_a_batch_submits_one_job_per_item_and_reports_where_each_is():
    service = FakeService()
    batch = Batch.start(service, ["a", "b", "c"], _jobs(3), {"a": "#000"})
    assert batch.running and batch.items == ["a", "b", "c"] and batch.colours == {"a": "#000"}
    first, second, _ = service.submitted
    first.started_, first.epochs = True, [3.0, 2.0]
    second.started_ = True
    stages = [(p.stage, p.done, p.ahead) for p in batch.progress(service, ["A", "B", "C"])]
    assert stages == [("running", 2, 0), ("compiling", 0, 0), ("queued", 0, 2)]
    assert batch.progress(service, ["A", "B", "C"])[0].seconds_left == 2.5


def test_stop_reaches_only_unfinished_jobs_and_collect_waits_for_all():
    service = FakeService()
    batch = Batch.start(service, ["a", "b"], _jobs(2))
    done, going = service.submitted
    done.epochs, done.outcome_ = [2.0, 1.0], (_result("finished", [2.0, 1.0]), None)
    batch.stop()
    assert going.stopped and not done.stopped
    assert not batch.collect_if_done() and batch.running
    going.epochs = [4.0]
    assert [len(h) for h in batch.histories()] == [2, 1]
    assert [len(h) for h in batch.histories(finished_only=True)] == [2, 0]
    going.outcome_ = (None, "Stopped before it started.")
    assert batch.collect_if_done() and not batch.running
    assert not batch.collect_if_done()  # collected once
    statuses = batch.statuses()
    assert [(s.status, s.seconds, s.finished) for s in statuses] == [
        ("finished", 1.5, True),
        ("Stopped before it started.", None, False),
    ]
    assert [r is not None for r in batch.results()] == [True, False]


def test_the_largest_models_are_queued_first_and_each_handle_stays_with_its_item():
    sizes = ModelSpec()
    specs = [
        sizes,
        sizes.replace(shared_layers=0),
        sizes.replace(variant="towers", shared_layers=1),
    ]
    jobs = [TrainJob(s, DataSpec(), TrainConfig(epochs=10)) for s in specs]
    service = FakeService()
    batch = Batch.start(service, ["model 1", "nothing shared", "model 2"], jobs)
    submitted = [h.job.spec for h in service.submitted]
    assert submitted == [specs[1], specs[2], specs[0]]  # 195,928 > 134,644 > 52,012 parameters
    assert [h.job.spec for h in batch.handles] == specs  # in the items' order, as drawn


def test_jobs_of_one_size_are_queued_in_their_order():
    service = FakeService()
    Batch.start(service, ["a", "b", "c"], _jobs(3))
    assert [h.job.data.seed for h in service.submitted] == [0, 1, 2]


def test_the_finish_splits_a_long_wait():
    from components.train.progress import finished_text
    from models.workers.batch import Waited

    assert finished_text(60, 1.26, None) == "Finished 60 epochs in 1.3 s"
    assert finished_text(60, 1.26, Waited(1.4, 0.1, 1.26, False)) == "Finished 60 epochs in 1.3 s"
    cold = finished_text(60, 1.3, Waited(6.6, 5.2, 1.3, False))
    assert (
        cold == "Finished 60 epochs in 6.6 s: 5.2 s waiting for a training worker, 1.3 s training"
    )


def test_a_bar_words_what_only_the_server_knows_and_the_time_left():
    from components.live.view import left_text, waiting_text
    from models.workers.batch import Progress

    queued = Progress("Model 2", "queued", 0, 60, ahead=3, seconds_left=42.4)
    assert waiting_text(queued) == "queued: waiting for a free worker (3 ahead, about 42 s)"
    unknown = Progress("", "queued", 0, 60, ahead=1)
    assert waiting_text(unknown) == "queued: waiting for a free worker (1 ahead)"
    assert waiting_text(Progress("", "compiling", 0, 60)) == "building and compiling the model…"
    running = Progress("", "running", 30, 60, seconds_left=200)
    assert waiting_text(running) == "" and left_text(running) == " · about 3 min 20 s left"
    assert left_text(Progress("", "running", 3, 60)) == ""  # no speed seen yet
    assert left_text(queued) == ""  # a queue's wait is not time left
