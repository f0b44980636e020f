#!/usr/bin/env bash
# Chaos on a real network: the coordinator and four hospital site agents, each in its own
# network namespace on this machine, joined by veth pairs on a bridge. Two studies run:
#
#   1. a bad network: every site's link gets `tc netem` delay (40 ms +/- 10 ms) and 1 % loss,
#      or, on kernels without netem (no loss to be had there), a `tc tbf` bottleneck of
#      256 kbit/s that holds back every burst over its 2 KB bucket. TCP retransmits what is
#      lost, no update is lost, so the deployed model must equal the undisturbed model `cohort simulate
#      --config` computes from the same coordinator.yaml, bit for bit.
#   2. a partition that heals: the same delay and loss, and one hospital's link cut for a
#      stretch of the study, then restored. Rounds complete with 3 of 4 sites (k of n) while it
#      is away; the site rejoins and contributes again; every round is accepted, the study ends.
#
# Usage: scripts/chaos-network.sh OUT      (OUT must not exist, or be empty)
# Needs root (CAP_NET_ADMIN), iproute2 (`ip netns`, `ip link`) and `tc` with netem: exits 77
# when they are not available. The cohort binary: $COHORT, else this checkout's release or
# debug build. Bounded: each study has 300 s; every namespace, link and process it made is
# removed on exit, also on failure.
set -euo pipefail

out="${1:?usage: $0 OUT}"
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -n "${COHORT:-}" ]]; then cohort="$COHORT"
elif [[ -x "$root/.build/release/cohort" ]]; then cohort="$root/.build/release/cohort"
elif [[ -x "$root/.build/debug/cohort" ]]; then cohort="$root/.build/debug/cohort"
else echo "chaos-network: no cohort binary: build it (swift build) or set COHORT" >&2; exit 1; fi
cohort="$(cd "$(dirname "$cohort")" && pwd)/$(basename "$cohort")"

skip() { echo "chaos-network: skipped: $*" >&2; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
command -v ip >/dev/null && command -v tc >/dev/null || skip "needs iproute2 (ip, tc)"

tag="c$$"                       # short: interface names hold 15 characters
bridge="${tag}br"
sites=(cleveland hungarian switzerland va)
# Rounds without a site wait about 2 s for it, so the 20 s cut spans about ten rounds; 24
# leave the healed site about 20 s to notice and reconnect (a loaded machine needs more than 4).
rounds=24
subnet="10.213.$(( $$ % 200 + 20 ))"
coordinator_ip="$subnet.1"
pids=()
namespaces=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 0.2
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    ip link del "$bridge" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "${tag}probe" 2>/dev/null || skip "cannot create network namespaces here"
ip netns del "${tag}probe"
ip link add "$bridge" type bridge || skip "cannot create a bridge here"
ip link set "$bridge" up

# join NAME INDEX: a namespace NAME with address $subnet.INDEX, its veth's host end "${tag}vINDEX".
join() {
    local ns="$tag-$1" index="$2"
    ip netns add "$ns"
    namespaces+=("$ns")
    ip link add "${tag}v$index" type veth peer name "${tag}p$index"
    ip link set "${tag}p$index" netns "$ns"
    ip link set "${tag}v$index" master "$bridge" up
    ip netns exec "$ns" ip addr add "$subnet.$index/24" dev "${tag}p$index"
    ip netns exec "$ns" ip link set "${tag}p$index" up
    ip netns exec "$ns" ip link set lo up
}
join coordinator 1
for i in "${!sites[@]}"; do join "${sites[$i]}" $(( i + 2 )); done
if tc qdisc add dev "${tag}v2" root netem delay 1ms 2>/dev/null; then
    impairment=(netem delay 40ms 10ms loss 1%)
    described="netem delay 40 ms +/- 10 ms, 1 % loss"
elif tc qdisc add dev "${tag}v2" root tbf rate 256kbit burst 2kb latency 2ms 2>/dev/null; then
    impairment=(tbf rate 256kbit burst 2kb latency 2ms)
    described="no netem in this kernel: tbf bottleneck 256 kbit/s, 2 KB bucket"
else
    skip "tc has neither netem nor tbf here"
fi
tc qdisc del dev "${tag}v2" root

mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$cohort" provision init --consortium chaos --out "$out/kits" --coordinator-host "$coordinator_ip" \
    --sites "$(IFS=,; echo "${sites[*]}")" >"$out/provision.log" 2>&1 || { cat "$out/provision.log" >&2; exit 1; }
config="$out/kits/coordinator/coordinator.yaml"
sed -i -e "s/^listen: .*/listen: $coordinator_ip:7443/" \
       -e "s/^  rounds: .*/  rounds: $rounds/" \
       -e 's/^  min_sites: .*/  min_sites: 3/' \
       -e 's/^  round_deadline_seconds: .*/  round_deadline_seconds: 8/' "$config"
# Each hospital's steward approves the study's plan (the kits govern every site).
"$cohort" study plan --config "$config" --out "$out/plan.json" >/dev/null
for site in "${sites[@]}"; do
    "$cohort" site approve --plan "$out/plan.json" --policy-dir "$out/kits/sites/$site/policy" --by "steward of $site" \
        --key "$out/kits/sites/$site/steward/steward.key" --note "chaos test" >/dev/null
done

# shape ON|OFF: netem delay and loss on every site's link.
shape() {
    for i in "${!sites[@]}"; do
        local dev="${tag}v$(( i + 2 ))"
        tc qdisc del dev "$dev" root 2>/dev/null || true
        [[ $1 == on ]] && tc qdisc add dev "$dev" root "${impairment[@]}"
    done
    return 0
}

# study NAME [PARTITIONED_SITE]: runs the coordinator and the four agents; the coordinator's
# run.json is $out/NAME/run.json.
study() {
    local name="$1" partitioned="${2:-}" dir="$out/$1"
    mkdir -p "$dir"
    rm -f "$out/kits/coordinator/coordinator.sqlite"*
    ip netns exec "$tag-coordinator" "$cohort" coordinator --config "$config" --output "$dir/run.json" \
        >"$dir/coordinator.out" 2>"$dir/coordinator.log" &
    local coordinator=$!
    pids+=("$coordinator")
    for site in "${sites[@]}"; do
        rm -rf "$out/kits/sites/$site/state"
        ip netns exec "$tag-$site" "$cohort" site --config "$out/kits/sites/$site/site.yaml" --data heart-disease \
            --coordinator "$coordinator_ip:7443" >"$dir/$site.out" 2>"$dir/$site.log" &
        pids+=("$!")
    done
    if [[ -n "$partitioned" ]]; then
        local index dev
        for i in "${!sites[@]}"; do [[ ${sites[$i]} == "$partitioned" ]] && index=$(( i + 2 )); done
        dev="${tag}v$index"
        # Cut the link once the study is under way (round 3 started), for 20 s.
        for _ in $(seq 1 1200); do grep -q 'round-started.*round=3' "$dir/coordinator.log" 2>/dev/null && break; sleep 0.1; done
        echo "partition: $partitioned cut off at $(date +%T)" | tee -a "$dir/chaos.log"
        ip link set "$dev" down
        sleep 20
        ip link set "$dev" up
        echo "partition: $partitioned reconnected at $(date +%T)" | tee -a "$dir/chaos.log"
    fi
    local status=0
    timeout 300 tail --pid="$coordinator" -f /dev/null || status=$?
    wait "$coordinator" || status=$?
    [[ $status -eq 0 ]] || { echo "chaos-network: study $name: the coordinator failed ($status)" >&2; tail -20 "$dir/coordinator.log" >&2; exit 1; }
}

# Contributors per round, from run.json: "4 4 3 3 4 ...".
contributors() {
    python3 - "$1" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
print(" ".join(str(len(r.get("contributors", []))) for r in run["rounds"]))
PY
}

echo "== 1. every site's link impaired ($described)"
shape on
study lossy
expected="$("$cohort" simulate --config "$config" --quiet --output "$out/simulated.json" >/dev/null && python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["final"]["model_checksum"])' "$out/simulated.json")"
deployed="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["final"]["model_checksum"])' "$out/lossy/run.json")"
echo "contributors per round: $(contributors "$out/lossy/run.json")"
echo "deployed model $deployed, simulated $expected"
[[ "$(contributors "$out/lossy/run.json")" == "$(printf '4 %.0s' $(seq 1 $rounds) | sed 's/ $//')" ]] || { echo "chaos-network: a round lost an update under delay and loss" >&2; exit 1; }
[[ "$deployed" == "$expected" ]] || { echo "chaos-network: the deployed model differs from the undisturbed one" >&2; exit 1; }

echo "== 2. the same, and va's link cut for 20 s in the middle of the study"
impaired() { for i in "${!sites[@]}"; do tc -s qdisc show dev "${tag}v$(( i + 2 ))"; done | tee "$out/qdisc-stats.txt" \
    | grep -o 'dropped [0-9]*\|overlimits [0-9]*' | awk '{s[$1] += $2} END {printf "%d dropped, %d held back", s["dropped"], s["overlimits"]}'; }
echo "packets on the impaired links in study 1: $(impaired)"
study partition va
counts="$(contributors "$out/partition/run.json")"
echo "contributors per round: $counts"
python3 - "$out/partition/run.json" "$rounds" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
rounds = run["rounds"]
assert len(rounds) == int(sys.argv[2]), f"{len(rounds)} rounds"
assert all(r.get("accepted", True) for r in rounds), "a round was not accepted"
away = [r["round"] for r in rounds if "va" not in r.get("contributors", [])]
assert away, "va never missed a round: the partition did not bite"
back = [r["round"] for r in rounds if r["round"] > max(away) and "va" in r.get("contributors", [])]
assert back, f"va did not contribute again after the partition healed (away in rounds {away})"
assert all(len(r.get("contributors", [])) >= 3 for r in rounds), "a round had fewer than 3 contributors"
print(f"va away in rounds {away}, back from round {back[0]}; every round accepted")
PY
echo "done: the study survived delay, loss and a partition that healed"
