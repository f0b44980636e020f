#!/usr/bin/env python3
"""Flower's numpy robust aggregation (aggregate_median, aggregate_trimmed_avg) on K updates of
P float32 values: the peer of `cohort bench aggregate --rule median|trimmed-mean`.

Run with the anchors' venv:  /path/to/anchors/.venv/bin/python scripts/robust_peer_bench.py median 100 1000000
Prints one JSON line: seconds (median of 3) and GB/s of updates aggregated. The updates are
built as Flower expects them (a list of (list of ndarrays, num_examples)); building them is
not timed.
"""
import json
import sys
import time

import numpy as np
from flwr.server.strategy.aggregate import aggregate_median, aggregate_trimmed_avg


def main():
    rule, k, p = sys.argv[1], int(sys.argv[2]), int(float(sys.argv[3]))
    rng = np.random.default_rng(7)
    results = [([rng.random(p, dtype=np.float32) - 0.5], 100 + i) for i in range(k)]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        if rule == "median":
            aggregate_median(results)
        elif rule == "trimmed-mean":
            aggregate_trimmed_avg(results, 0.2)
        else:
            raise SystemExit(f"unknown rule {rule}")
        times.append(time.perf_counter() - start)
    seconds = sorted(times)[1]
    print(json.dumps({"peer": f"flwr {rule}", "clients": k, "parameters": p, "seconds": seconds,
                      "gigabytes_per_second": k * p * 4 / seconds / 1e9}))


if __name__ == "__main__":
    main()
