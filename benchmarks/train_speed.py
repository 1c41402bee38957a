"""How fast is the training engine? Run: python benchmarks/train_speed.py

First every variant at the question's sizes (model 1, nothing shared, model 2, cross-stitch
k = 5, MMoE k = 5): 500 epochs cold (spec new to the process) and warm, with and without
conflict tracking. Then model 1 (ModelSpec() defaults), 100 samples, batch 32, in detail:
ms/epoch after warm-up of (a) keras fit(epochs=1) called once per epoch, (b) the simplest
hand-written compiled loop (a chunk of epochs per call, no validation, no per-epoch reporting)
and (c) our engine with
per-epoch train and validation losses, with and without gradient-conflict tracking (measured
on at most 30 epochs of a run, see `models.training.engine.conflict_every`); plus the wall
time of 500 epochs through the engine when the spec is new to the process (cold) and when it
is retrained (warm). The rates are measured in interleaved rounds and the median is reported,
because other processes sharing the CPU slow everything down at random. The last line is one
JSON object.

Options (all must act before TensorFlow starts, so they are flags, not code in the engine):
  --threads N     TF intra- and inter-op threads (0: TensorFlow's default).
  --inter-op N    TF inter-op threads only, after --threads (the app's workers: --threads 1
                  --inter-op 2 on a machine with 2 or more cores).
  --onednn off    sets TF_ENABLE_ONEDNN_OPTS=0: plain Eigen kernels, ~2x faster for these
                  tiny models on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def _configure() -> argparse.Namespace:
    """Parse flags and apply them before TensorFlow is imported."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=0, help="0 = TensorFlow's default")
    parser.add_argument("--inter-op", type=int, default=0, help="0 = as --threads")
    parser.add_argument("--onednn", choices=("default", "on", "off"), default="default")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.onednn != "default":
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1" if args.onednn == "on" else "0"
    return args


ARGS = _configure() if __name__ == "__main__" else None
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tensorflow as tf  # noqa: E402

if ARGS is not None and ARGS.threads:  # as the app's training workers do, before any op runs
    tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
    tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)
if ARGS is not None and ARGS.inter_op:
    tf.config.threading.set_inter_op_parallelism_threads(ARGS.inter_op)

from models.architectures.variants import VARIANTS, build_model  # noqa: E402
from models.data.toy_data import DataSpec, make_dataset, task_targets  # noqa: E402
from models.spec import ModelSpec  # noqa: E402
from models.training.engine import TrainConfig, train  # noqa: E402

SPEC = ModelSpec()
VARIANT_SPECS = {  # every variant at the question's sizes
    "model 1 (hard, all shared)": SPEC,
    "nothing shared (hard, k=0)": SPEC.replace(shared_layers=0),
    "model 2 (towers, k=1)": SPEC.replace(variant="towers", shared_layers=1),
    "cross-stitch k=5": SPEC.replace(variant="cross_stitch", shared_layers=5),
    "MMoE k=5": SPEC.replace(variant="mmoe", shared_layers=5),
}
BATCH = 32
FIT_EPOCHS = 20
LOOP_EPOCHS = 250
LOOP_CHUNK = 10  # the bare loop's epochs per call, about what the engine picks for model 1
ROUNDS = 5


def bare_loop(spec: ModelSpec, data):
    """The simplest compiled chunked loop: shuffled mini-batch Adam, nothing reported."""
    import keras

    model = build_model(spec)
    optimizer = keras.optimizers.Adam(1e-3)
    split = VARIANTS[spec.variant].split_inputs
    x, y = tf.constant(data.x_train), tf.constant(data.y_train)

    @tf.function
    def run(first_epoch, n_epochs):
        n = tf.shape(x)[0]
        loss = tf.constant(0.0)
        for epoch in tf.range(first_epoch, first_epoch + n_epochs):
            order = tf.argsort(tf.random.stateless_uniform([n], seed=tf.stack([0, epoch])))
            for start in tf.range(0, n, BATCH):
                batch = order[start : start + BATCH]
                xb, yb = tf.gather(x, batch), tf.gather(y, batch)
                with tf.GradientTape() as tape:
                    out = tf.stack(model(split(spec, xb), training=True), axis=1)
                    loss = tf.reduce_sum(tf.reduce_mean(tf.square(yb - out), axis=[0, 2]))
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply(grads, model.trainable_variables)
        return loss

    def epochs(count: int) -> None:
        for first in range(0, count, LOOP_CHUNK):
            run(tf.constant(first), tf.constant(min(LOOP_CHUNK, count - first))).numpy()

    return epochs


def fit_per_epoch(spec: ModelSpec, data):
    """Keras' own loop, called once per epoch as a naive progress-reporting app would."""
    model = build_model(spec)
    model.compile(optimizer="adam", loss="mse")
    split = VARIANTS[spec.variant].split_inputs
    x, y = split(spec, data.x_train), task_targets(data.y_train)

    def epochs(count: int) -> None:
        for _ in range(count):
            model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0)

    return epochs


def engine(
    spec: ModelSpec, data, count: int, chunks: list | None = None, conflict: bool = True
) -> float:
    """Wall seconds of one `train` call of `count` epochs, with a progress callback as the app
    uses; appends each chunk's epoch count to `chunks`."""
    done = [0]

    def on_progress(epochs_done: int, history) -> None:
        if chunks is not None:
            chunks.append(epochs_done - done[0])
        done[0] = epochs_done

    start = time.perf_counter()
    config = TrainConfig(epochs=count, batch_size=BATCH, track_conflict=conflict)
    result = train(spec, data, config, on_progress)
    assert result.status == "finished" and result.epochs_run == count
    return time.perf_counter() - start


def ms_per_epoch(run, count: int) -> float:
    start = time.perf_counter()
    run(count)
    return (time.perf_counter() - start) / count * 1000


def every_variant(data) -> dict:
    """500 epochs of each variant: cold, then the best of 3 warm runs with and without
    conflict tracking (seconds)."""
    figures = {}
    for name, spec in VARIANT_SPECS.items():
        cold = engine(spec, data, 500)
        warm = min(engine(spec, data, 500) for _ in range(3))
        plain = min(engine(spec, data, 500, conflict=False) for _ in range(3))
        figures[name] = {"cold_500_s": cold, "warm_500_s": warm, "warm_500_no_conflict_s": plain}
        print(
            f"{name:>28}: 500 epochs cold {cold:5.2f} s, warm {warm:5.2f} s, "
            f"warm without conflict tracking {plain:5.2f} s",
            flush=True,
        )
    return {n: {k: round(v, 3) for k, v in f.items()} for n, f in figures.items()}


def main() -> None:
    data = make_dataset(DataSpec(samples=100), SPEC.n_features, SPEC.timesteps, SPEC.horizon)
    variants = every_variant(data)
    cold = variants[next(iter(VARIANT_SPECS))]["cold_500_s"]  # before anything was compiled
    warm = engine(SPEC, data, 500)
    warm_plain = engine(SPEC, data, 500, conflict=False)
    print(
        f"engine, 500 epochs: cold (new spec) {cold:.2f} s, warm (retrain) {warm:.2f} s, "
        f"warm without conflict tracking {warm_plain:.2f} s"
    )

    runners = {"fit_per_epoch": fit_per_epoch(SPEC, data), "compiled_loop": bare_loop(SPEC, data)}
    for run in runners.values():
        run(LOOP_CHUNK)  # warm-up: trace and compile
    rates, chunks = {name: [] for name in (*runners, "engine", "engine_no_conflict")}, []
    for _ in range(ROUNDS):
        rates["fit_per_epoch"].append(ms_per_epoch(runners["fit_per_epoch"], FIT_EPOCHS))
        rates["compiled_loop"].append(ms_per_epoch(runners["compiled_loop"], LOOP_EPOCHS))
        seconds = engine(SPEC, data, LOOP_EPOCHS, chunks)
        rates["engine"].append(seconds / LOOP_EPOCHS * 1000)
        plain = engine(SPEC, data, LOOP_EPOCHS, conflict=False)
        rates["engine_no_conflict"].append(plain / LOOP_EPOCHS * 1000)
    ms = {name: statistics.median(values) for name, values in rates.items()}
    chunk = statistics.median(chunks[1:])  # the first chunk is always one epoch
    print(f"engine chunks: median {chunk:g} epochs = {chunk * ms['engine']:.0f} ms per call")
    for name, values in rates.items():
        rounds = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:>14}: {ms[name]:7.2f} ms/epoch (median of rounds: {rounds})")
    # Like for like: neither fit nor the bare loop measures gradient conflict.
    fit_ratio = ms["fit_per_epoch"] / ms["engine_no_conflict"]
    tracked_fit_ratio = ms["fit_per_epoch"] / ms["engine"]
    loop_ratio = ms["engine_no_conflict"] / ms["compiled_loop"]
    conflict_cost = ms["engine"] / ms["engine_no_conflict"] - 1
    print(f"engine without conflict tracking is {fit_ratio:.1f}x faster than fit (want >= 15)")
    print(f"engine with conflict tracking is {tracked_fit_ratio:.1f}x faster than fit")
    print(f"engine without conflict tracking takes {loop_ratio:.2f}x the bare loop (want <= 1.5)")
    print(f"gradient-conflict tracking adds {conflict_cost:.0%} per epoch")
    summary = {
        "ms_per_epoch": {k: round(v, 3) for k, v in ms.items()},
        "ratio_vs_fit_per_epoch": round(fit_ratio, 2),
        "ratio_vs_fit_per_epoch_tracked": round(tracked_fit_ratio, 2),
        "ratio_vs_compiled_loop": round(loop_ratio, 3),
        "conflict_tracking_cost": round(conflict_cost, 3),
        "cold_500_s": round(cold, 3),
        "warm_500_s": round(warm, 3),
        "warm_500_no_conflict_s": round(warm_plain, 3),
        "engine_chunk_epochs": chunk,
        "variants": variants,
        "threads": ARGS.threads or "default",
        "inter_op_threads": ARGS.inter_op or ARGS.threads or "default",
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
