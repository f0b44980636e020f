#!/usr/bin/env bash
# FHIR R4 reading throughput, Cohort vs the Python peer (json + dict walking), same machine,
# same files, one after the other, each pinned to one core when `taskset` exists.
#
#   scripts/fhir_bench_compare.sh [FHIR_DIR] [REPEAT]
#
# Defaults: ../shared/data/synthea-fhir-r4 (57 MB, 100 bundles) and 1 repeat; REPEAT=18
# reads ~1 GB (the same files again as distinct patients) for the peak-memory target.
# Builds Cohort in release mode in $SCRATCH (default .build-release), or uses COHORT=path/to/cohort.
set -euo pipefail
cd "$(dirname "$0")/.."
FHIR_DIR="${1:-../shared/data/synthea-fhir-r4}"
REPEAT="${2:-1}"
if [[ -z "${COHORT:-}" ]]; then
  SCRATCH="${SCRATCH:-.build-release}"
  swift build -c release --product cohort --scratch-path "$SCRATCH" >&2
  COHORT="$SCRATCH/release/cohort"
fi
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi
# Warm the page cache so both tools read from memory, not disk.
cat "$FHIR_DIR"/bundles/*.json "$FHIR_DIR"/*.json >/dev/null 2>&1 || true
echo "== cohort (Swift, $("$COHORT" --version)) =="
"${PIN[@]}" "$COHORT" data bench --fhir "$FHIR_DIR" --repeat "$REPEAT"
echo "== python peer =="
"${PIN[@]}" python3 scripts/fhir_python_peer.py --fhir "$FHIR_DIR" --repeat "$REPEAT"
