#!/usr/bin/env python3
"""Runs Cohort's benchmarks and the peers' (shared/anchors) back to back, in one session, and
prints a Markdown table of the figures and their ratios.

Usage (from the repository root, after `swift build -c release --product cohort` and the
anchors' `setup.sh`):

    python3 scripts/compare_with_peers.py --anchors ../shared/anchors --python /path/to/anchors/.venv/bin/python

Peers: Flower 1.42 `aggregate()` and numpy (aggregate_bench.py), PyTorch CPU one thread
(train_bench.py), Flower's Ray simulation of the FLamby heart study (flower_sim_heart.py).
No peer code is copied here: the scripts are run as they are and their JSON is read.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

COHORT = os.path.join(".build", "release", "cohort")
AGGREGATE = [(100, 1_000_000), (10, 10_000_000), (1000, 100_000)]


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON in output:\n" + text[-2000:])


def run(args, cwd=None, timeout=900):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchors", required=True, help="the shared/anchors folder")
    ap.add_argument("--python", required=True, help="python of the anchors' venv")
    ap.add_argument("--skip-flower-sim", action="store_true", help="skip the 20 s Flower simulation")
    args = ap.parse_args()
    # The anchors write results next to themselves; work on a copy so a read-only checkout is fine.
    # The anchors find the shared data next to their own folder; the copy must be told where.
    os.environ.setdefault("HEART_DATA_ROOT", os.path.join(os.path.abspath(args.anchors), "..", "data"))
    anchors = tempfile.mkdtemp(prefix="anchors-")
    for name in os.listdir(args.anchors):
        source = os.path.join(args.anchors, name)
        if os.path.isfile(source):
            shutil.copy(source, anchors)
    rows = []

    for k, p in AGGREGATE:
        cohort = last_json(run([COHORT, "bench", "aggregate", "--clients", str(k), "--params", str(p), "--json"]))
        flower = last_json(run([args.python, "aggregate_bench.py", "--worker", "flwr_aggregate", str(k), str(p)], cwd=anchors))
        numpy = last_json(run([args.python, "aggregate_bench.py", "--worker", "numpy_tensordot", str(k), str(p)], cwd=anchors))
        rows.append((f"FedAvg aggregation K={k} x P={p:.0e} (GB/s)", cohort["gigabytes_per_second"],
                     f"Flower {flower['throughput_GBps']:.2f}, numpy tensordot {numpy['throughput_GBps']:.2f}",
                     cohort["gigabytes_per_second"] / flower["throughput_GBps"]))
        rows.append((f"  peak RSS K={k} x P={p:.0e} (MB)", cohort["peak_rss_bytes"] / 1e6,
                     f"Flower {flower['peak_rss_bytes'] / 1e6:.0f}", flower["peak_rss_bytes"] / cohort["peak_rss_bytes"]))

    torch = last_json(run([args.python, "train_bench.py"], cwd=anchors))
    cohort_train = last_json(run([COHORT, "bench", "train", "--json"]))
    for key, label in [("logreg_batch4", "logistic regression, batch 4"),
                       ("mlp_13_64_64_1_batch32", "MLP 13-64-64-1, batch 32"),
                       ("cnn_28x28_batch64", "CNN 28x28, batch 64")]:
        mine = cohort_train[key]["samples_per_second"]
        theirs = torch[key]["samples_per_second"]
        rows.append((f"training {label}, 1 thread (samples/s)", mine, f"PyTorch {theirs:,.0f}", mine / theirs))

    simulate = last_json(run([COHORT, "bench", "simulate", "--runs", "10", "--json"]))
    if not args.skip_flower_sim:
        flower_sim = last_json(run([args.python, "flower_sim_heart.py", "--single", "flamby", "15", "100"], cwd=anchors))
        rows.append(("FLamby heart study, 15 x 100, whole run (s)", simulate["median_seconds"],
                     f"Flower simulation {flower_sim['total_wall_s']:.1f}", flower_sim["total_wall_s"] / simulate["median_seconds"]))
    else:
        rows.append(("FLamby heart study, 15 x 100, whole run (s)", simulate["median_seconds"], "-", float("nan")))

    print("| measure | Cohort | peer | ratio |")
    print("| --- | --- | --- | --- |")
    for name, mine, peer, ratio in rows:
        print(f"| {name} | {mine:,.3f} | {peer} | {ratio:.1f}x |")


if __name__ == "__main__":
    sys.exit(main())
