"""Imported once by the training pool's fork server, before it forks any worker
(`processes.start_method`): TensorFlow, Keras and the training code load here, not in each
worker, and every worker shares these pages until it writes to them.
"""

import gc
import os

from models.training.threads import set_thread_environment

# Below the page's server (and a visitor's browser, on a small host) in CPU priority, from the
# import on: TensorFlow's ~3 s of loading after a cold start must not delay the first page.
# Every worker forks from here and inherits it (training workers add their own on top).
FORK_SERVER_NICENESS = 10
os.nice(FORK_SERVER_NICENESS)
set_thread_environment()  # before TensorFlow loads: it reads them once

import keras  # noqa: E402, F401
import tensorflow  # noqa: E402, F401

import models.workers.worker  # noqa: E402, F401

# The garbage collector of a forked worker would write to every object it scans, copying the
# shared pages; frozen objects are never scanned (a worker with model 1 compiled then holds
# ~120 MB of private memory, not ~180).
gc.collect()
gc.freeze()
