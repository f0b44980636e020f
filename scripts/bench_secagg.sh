#!/usr/bin/env bash
# Cohort's secure aggregation (SecAgg+) next to Flower's, on this machine, in one session.
#
# Runs `cohort bench secagg` (release build) and Flower's in-process protocol benchmark
# (shared/anchors/secagg_bench.py, flwr 1.42) for the settings the targets are stated in, and
# prints each pair with its ratio. Flower's all-pairs round takes about 5 minutes; pass
# --skip-flower-full to leave it out (the quick 3-share comparison still runs).
#
# Usage (from the repository root):
#   scripts/bench_secagg.sh [--skip-flower-full] [--clients 100] [--params 100000]
# Environment: SCRATCH (default .build-secagg-rel), VENV (default /tmp/anchors/.venv),
#              ANCHORS (default ../shared/anchors, run from a temporary copy).
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${SCRATCH:-.build-secagg-rel}
VENV=${VENV:-/tmp/anchors/.venv}
ANCHORS=${ANCHORS:-../shared/anchors}
CLIENTS=100
PARAMS=100000
FLOWER_FULL=1
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-flower-full) FLOWER_FULL=0 ;;
        --clients) CLIENTS=$2; shift ;;
        --params) PARAMS=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

swift build -c release --scratch-path "$SCRATCH" --product cohort >&2
COHORT="$SCRATCH/release/cohort"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$ANCHORS"/*.py "$WORK"/

cohort() {  # name, then bench flags
    local name=$1; shift
    "$COHORT" bench secagg --clients "$CLIENTS" --params "$PARAMS" --json "$@" > "$WORK/cohort_$name.json"
    echo "cohort $name: $(cat "$WORK/cohort_$name.json")" >&2
}
flower() {  # setting
    (cd "$WORK" && env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$VENV/bin/python" secagg_bench.py \
        --protocol "$CLIENTS" "$PARAMS" "$1") > "$WORK/flower_$1.json"
    echo "flower $1: $(cat "$WORK/flower_$1.json")" >&2
}

cohort all --neighbours all
cohort all_drop10 --neighbours all --dropout 0.1
cohort auto_drop10 --neighbours auto --dropout 0.1
cohort k3 --neighbours 3
flower flower_example
if [ "$FLOWER_FULL" = 1 ]; then flower full; fi

"$VENV/bin/python" - "$WORK" "$FLOWER_FULL" <<'PY'
import json, sys
from pathlib import Path
work, full = Path(sys.argv[1]), sys.argv[2] == "1"
c = {p.stem[len("cohort_"):]: json.loads(p.read_text()) for p in work.glob("cohort_*.json")}
f = {p.stem[len("flower_"):]: json.loads(p.read_text()) for p in work.glob("flower_*.json")}
def row(label, ours, theirs=None):
    text = (f"{label:34s} round {ours['round_seconds']:7.3f} s  client {ours['client_seconds']:6.3f} s  "
            f"server {ours['server_seconds']:6.3f} s  upload/client {ours['upload_bytes_per_client']:9.0f} B "
            f"({ours['upload_ratio_to_plain_update']:.3f}x)  masks {ours['mask_expansion_gigabytes_per_second']:.2f} GB/s  "
            f"exact {ours['exact_sum']}")
    if theirs is not None:
        up = theirs["bytes_per_client_per_round"].get("clients_to_server", 0)
        text += (f"\n{'  Flower ' + theirs['setting']:34s} round {theirs['wall_per_round_s']:7.3f} s  "
                 f"upload/client {up:9.0f} B  -> Cohort is {theirs['wall_per_round_s'] / ours['round_seconds']:.1f}x faster")
    print(text)
row("all pairs, no dropout", c["all"], f.get("full"))
row("all pairs, 10% drop after sharing", c["all_drop10"], f.get("full"))
row(f"auto k={c['auto_drop10']['neighbours']} t={c['auto_drop10']['threshold']}, 10% drop", c["auto_drop10"])
row("3 neighbours (t=2)", c["k3"], f.get("flower_example"))
PY
