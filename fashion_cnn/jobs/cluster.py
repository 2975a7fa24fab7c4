"""The embedded training cluster: `python -m fashion_cnn.jobs.cluster --workers N`.

A Dask scheduler and N worker processes (one run each at a time) in a process of their
own, so the web server holds only a client, exactly as with a remote cluster. Prints the
scheduler's address on the first line of stdout; shuts down when stdin ends, which is
when the web server that started it exits or dies.
"""

from __future__ import annotations

import argparse
import logging
import sys

import dask
from distributed import LocalCluster

from fashion_cnn.jobs.runs import ENGINE_CONFIG


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    args = parser.parse_args(argv)
    with dask.config.set(ENGINE_CONFIG):
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    print(cluster.scheduler_address, flush=True)
    sys.stdin.buffer.read()  # until the web server goes away
    cluster.close(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
