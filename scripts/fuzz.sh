#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (coverage-guided, with AddressSanitizer) and runs each
# for a bounded time from its seeds in Fuzz/Corpus/<Target>/.
#   scripts/fuzz.sh [seconds]        each target for `seconds` (default 30); non-zero on any crash
#   scripts/fuzz.sh --seeds          rewrites the seeds the project's own writers make
#   FUZZ_TARGETS="FuzzFHIR FuzzCSV" scripts/fuzz.sh 600    only those targets
# New inputs found during a run go to a scratch corpus that is thrown away; a crashing input is
# kept in Fuzz/.build/crashes/<Target>/ and its path printed (replay it: <binary> <file>).
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"

ALL_TARGETS="FuzzFHIR FuzzCSV FuzzYAML FuzzProto FuzzLane FuzzSecAgg FuzzAudit FuzzNumPy FuzzPEM"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
SWIFT=${SWIFT:-swift}
SEEDED_TARGETS="FuzzProto FuzzLane FuzzSecAgg FuzzAudit"

mode=run
seconds=30
case "${1:-}" in
    --seeds) mode=seeds ;;
    "") ;;
    *) seconds=$1 ;;
esac

# Debug configuration: -Onone builds the dependency graph (gRPC, NIO, BoringSSL) in about half
# the time of release, and keeps Swift's overflow and bounds checks, which are what finds traps.
# SwiftPM's --sanitize=fuzzer links libFuzzer's main; the -Xswiftc flags instrument every Swift
# module for coverage (SwiftPM alone passes the two sanitizers as separate flags, and the last
# one wins). -enable-testing lets FuzzProto/FuzzLane reach Transport's internal wire types.
build_start=$(date +%s)
$SWIFT build --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing 2>&1 |
    sed '/Cannot export local symbol/d'
bin=$($SWIFT build --show-bin-path --sanitize=fuzzer --sanitize=address)
for target in $TARGETS; do
    [ -x "$bin/$target" ] || { echo "fuzz: $target was not built"; exit 1; }
done
echo "fuzz: build took $(( $(date +%s) - build_start )) s"

# Parsers that read files write them under TMPDIR; keep them together and remove them after.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
# libFuzzer reports a trap itself; Swift's backtracer would only slow each crash down.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:handle_sigill=1}

if [ "$mode" = seeds ]; then
    for target in $SEEDED_TARGETS; do
        # -runs=0: a binary without the seed writer exits at once instead of fuzzing.
        COHORT_FUZZ_SEEDS="Corpus/$target" "$bin/$target" -runs=0 >/dev/null 2>&1
        echo "fuzz: the seeds of $target: $(ls "Corpus/$target" | tr '\n' ' ')"
    done
    exit 0
fi

failed=""
printf '%-12s %10s %10s %8s %s\n' target runs exec/s seconds result
for target in $TARGETS; do
    mkdir -p "Corpus/$target" ".build/crashes/$target"
    work="$scratch/corpus-$target"
    mkdir -p "$work"
    log="$scratch/$target.log"
    start=$(date +%s)
    status=0
    # One process, no forking: -timeout fails an input that takes more than 10 s, -rss_limit_mb
    # one that grows past 2 GiB (a size taken on trust), -max_len keeps inputs near seed size.
    "$bin/$target" "$work" "Corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 -artifact_prefix=".build/crashes/$target/" >"$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ $status -eq 0 ]; then
        result=ok
    else
        result="CRASH (exit $status)"
        failed="$failed $target"
        grep -E "ERROR:|Fatal error|Test unit written|SUMMARY" "$log" | head -20
        tail -40 "$log" > ".build/crashes/$target/last.log"
    fi
    printf '%-12s %10s %10s %8s %s\n' "$target" "${runs:-?}" "${rate:-?}" "$elapsed" "$result"
done

if [ -n "$failed" ]; then
    echo "fuzz: crashes in:$failed (inputs and logs in Fuzz/.build/crashes/)"
    exit 1
fi
echo "fuzz: $(echo $TARGETS | wc -w) targets, no crash"
