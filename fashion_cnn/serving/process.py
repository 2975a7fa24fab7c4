"""The set-up of a process that serves the models (the app's server, an API replica):
NumPy's BLAS on one thread before the models run, and the objects made at start left out
of the garbage collector's full collections once the server is built."""

from __future__ import annotations

import gc
import os


def one_blas_thread() -> None:
    """NumPy's BLAS on one thread in this process (a server's). The runner's matrices are
    small (the verdict's distances, the dense layer), and OpenBLAS's own threads, which
    busy-wait for work, kept two classifications from running at once: the API's batch
    of 256 split over two threads read 4,400 images/s with them, 7,300 without (float
    graph)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def spare_startup_objects() -> None:
    """Leave every object made so far (the modules, Streamlit's server, the routes) out of
    the garbage collector's full collections from now on (`gc.freeze`). Under API load, a
    full collection came about once a second and walked them all: some 50 ms in which no
    request or page message was answered, the p99 of an inference. They live as long as
    the process, so freezing them frees nothing later; after it a full collection takes
    about 5-9 ms (benchmarks.api_load)."""
    gc.freeze()


def cores() -> int:
    """The cores this process may run on (a container's CPU quota is not seen here)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
