"""Imported once by the training pool's fork server, before it forks any worker
(`processes.start_method`): TensorFlow, Keras and the training code load here, not in each
worker, and every worker shares these pages until it writes to them.
"""

import gc

from models.training.threads import set_thread_environment

set_thread_environment()  # before TensorFlow loads: it reads them once

import keras  # noqa: E402, F401
import tensorflow  # noqa: E402, F401

import models.training.worker  # noqa: E402, F401

# The garbage collector of a forked worker would write to every object it scans, copying the
# shared pages; frozen objects are never scanned (a worker with model 1 compiled then holds
# ~120 MB of private memory, not ~180).
gc.collect()
gc.freeze()
