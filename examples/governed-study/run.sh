#!/usr/bin/env bash
# A governed federated study, end to end on this machine (127.0.0.1 only):
#   1. provision a consortium (CA, coordinator kit, three hospital kits with audit keys,
#      policy templates and steward keys);
#   2. each hospital's data steward approves the study's training plan, by its hash;
#   3. the coordinator and three site agents run the heart-disease study over mutual TLS,
#      each site keeping its own signed, hash-chained audit trail;
#   4. every trail is verified, and the compliance report is written from all of them.
#
# Usage: examples/governed-study/run.sh OUT      (OUT must not exist, or be empty)
# The cohort binary: $COHORT, else `cohort` on PATH, else this checkout's release or debug build.
# Leaves each site's trail in OUT/sites/NAME/audit/, the coordinator's in OUT/coordinator/audit/,
# the study's result in OUT/run.json and the report in OUT/compliance.html (+ .json).
# Exits non-zero as soon as any step fails; stops every process it started.
set -euo pipefail

out="${1:?usage: $0 OUT}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ -n "${COHORT:-}" ]]; then cohort="$COHORT"
elif command -v cohort >/dev/null 2>&1; then cohort="$(command -v cohort)"
elif [[ -x "$root/.build/release/cohort" ]]; then cohort="$root/.build/release/cohort"
elif [[ -x "$root/.build/debug/cohort" ]]; then cohort="$root/.build/debug/cohort"
else echo "run.sh: no cohort binary: build it (swift build -c release) or set COHORT" >&2; exit 1; fi

sites=(cleveland hungarian va)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
step() { echo "== $*"; }

step "provision the consortium into $out"
"$cohort" provision init --consortium heart --out "$out" --coordinator-host 127.0.0.1 \
    --sites "$(IFS=,; echo "${sites[*]}")" >"$out.provision.log" 2>&1 || { cat "$out.provision.log" >&2; exit 1; }
mv "$out.provision.log" "$out/provision.log"

# The study: FLamby's heart-disease protocol, 5 rounds, on the three hospitals, every one needed
# (the kit's study already lists them under sites:, the only sites it admits).
config="$out/coordinator/coordinator.yaml"
sed -i -e 's/^listen: .*/listen: 127.0.0.1:0/' \
       -e 's/^  rounds: .*/  rounds: 5/' \
       -e 's/^  min_sites: .*/  min_sites: 3/' \
       -e 's/^  round_deadline_seconds: .*/  round_deadline_seconds: 60/' "$config"

step "the study's training plan"
"$cohort" study plan --config "$config" --out "$out/plan.json"

for site in "${sites[@]}"; do
    step "the data steward of $site approves the plan"
    "$cohort" site approve --plan "$out/plan.json" --policy-dir "$out/sites/$site/policy" \
        --by "steward of $site" --key "$out/sites/$site/steward/steward.key" --note "example approval"
done

step "coordinator and ${#sites[@]} site agents"
"$cohort" coordinator --config "$config" --port-file "$out/coordinator.port" --output "$out/run.json" \
    >"$out/coordinator.out" 2>"$out/coordinator.log" &
coordinator=$!
pids+=("$coordinator")
for _ in $(seq 1 600); do [[ -s "$out/coordinator.port" ]] && break; sleep 0.1; done
[[ -s "$out/coordinator.port" ]] || { echo "run.sh: the coordinator did not start" >&2; cat "$out/coordinator.log" >&2; exit 1; }
port="$(cat "$out/coordinator.port")"
for site in "${sites[@]}"; do
    "$cohort" site --config "$out/sites/$site/site.yaml" --data heart-disease --coordinator "127.0.0.1:$port" \
        >"$out/sites/$site/agent.out" 2>"$out/sites/$site/agent.log" &
    pids+=("$!")
done
status=0
timeout 300 tail --pid="$coordinator" -f /dev/null || status=$?
wait "$coordinator" || status=$?
[[ $status -eq 0 ]] || { echo "run.sh: the coordinator failed ($status)" >&2; tail -5 "$out/coordinator.log" >&2; exit 1; }
cat "$out/coordinator.out"

step "verify every trail against its pinned key"
"$cohort" audit verify --trail "$out/coordinator/audit/coordinator.audit.jsonl" --public-key "$out/coordinator/keys/audit.key.pub"
site_args=()
for site in "${sites[@]}"; do
    "$cohort" audit verify --trail "$out/sites/$site/audit/$site.audit.jsonl" --public-key "$out/sites/$site/keys/audit.key.pub"
    site_args+=(--site-trail "$out/sites/$site/audit/$site.audit.jsonl" --site-key "$site=$out/sites/$site/keys/audit.key.pub")
done

step "compliance report from the coordinator's and the sites' trails"
"$cohort" report compliance --study "$(grep -m1 '^  id:' "$config" | awk '{print $2}')" "${site_args[@]}" \
    --coordinator-trail "$out/coordinator/audit/coordinator.audit.jsonl" --coordinator-key "$out/coordinator/keys/audit.key.pub" \
    --plan "$out/plan.json" --out "$out/compliance.html" --json "$out/compliance.json"
echo "done: trails verified; report in $out/compliance.html"
