#!/usr/bin/env python3
"""Compare Cohort's RDP accountant with dp-accounting (PyPI) on a wide grid.

1. Computes, with dp-accounting's RdpAccountant (default orders, improved conversion), the
   epsilon of the Poisson-sampled Gaussian mechanism at every grid point
   q x sigma x steps x delta, the per-step RDP of each (q, sigma) at every default order, and
   a few heterogeneous compositions, and writes them to
   Tests/PrivacyTests/Fixtures/dp_accounting_grid.json (checked by DPAccountingGridTests).
2. With --cohort PATH (the built `cohort` binary), runs `cohort privacy epsilon --json` at every
   grid point and prints the maximum relative error against dp-accounting.

Usage (from the repository root):
    /tmp/anchors/.venv/bin/python scripts/compare_accountant.py \
        --cohort .build-privacy/debug/cohort

Needs dp-accounting (0.6.0 was used), numpy, scipy.
"""

import argparse
import importlib.metadata
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from absl import logging
import dp_accounting
from dp_accounting.rdp import rdp_privacy_accountant as rdp

# dp-accounting warns for every fractional order whose series it gives up on (RDP = inf, order
# excluded); Cohort does the same. The fixture records them; the count is printed below.
logging.set_verbosity(logging.ERROR)

SAMPLE_RATES = [1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.3, 0.5, 0.9, 1.0]
NOISE_MULTIPLIERS = [0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0]
STEPS = [1, 10, 100, 1000, 10000, 100000]
DELTAS = [1e-3, 1e-5, 1e-7, 1e-9]

# Heterogeneous ledgers, as a site's budget composes them: (q, sigma, steps) per round.
COMPOSITIONS = [
    ([(0.01, 1.1, 100), (0.02, 0.9, 50), (1.0, 5.0, 3)], 1e-5),
    ([(0.001, 1.0, 1000)] * 5 + [(0.004, 1.3, 2000)], 1e-6),
    ([(0.25, 2.0, 10), (0.5, 4.0, 20), (0.1, 0.8, 30), (1.0, 10.0, 1)], 1e-4),
    ([(1e-4, 0.6, 100000), (0.05, 1.5, 2250)], 1e-8),
]

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "PrivacyTests",
                       "Fixtures", "dp_accounting_grid.json")


def number(x):
    """JSON has no infinity: write it as the string "inf" (Swift decodes it back)."""
    x = float(x)
    return "inf" if math.isinf(x) else x


def epsilon_of(events, delta):
    accountant = rdp.RdpAccountant()
    for q, sigma, steps in events:
        accountant.compose(dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)
    epsilon, order = accountant.get_epsilon_and_optimal_order(delta)
    return float(epsilon), float(order)


def build_fixture():
    orders = list(rdp.DEFAULT_RDP_ORDERS)
    mechanisms, points = [], []
    for q in SAMPLE_RATES:
        for sigma in NOISE_MULTIPLIERS:
            per_step = rdp._compute_rdp_poisson_subsampled_gaussian(q, sigma, orders)
            mechanisms.append({"sample_rate": q, "noise_multiplier": sigma,
                               "rdp": [number(r) for r in per_step]})
            for steps in STEPS:
                total = per_step * steps
                for delta in DELTAS:
                    epsilon, order = rdp.compute_epsilon(orders, total, delta)
                    points.append({"sample_rate": q, "noise_multiplier": sigma, "steps": steps,
                                   "delta": delta, "epsilon": number(epsilon), "order": float(order)})
    compositions = []
    for events, delta in COMPOSITIONS:
        epsilon, order = epsilon_of(events, delta)
        compositions.append({"mechanisms": [{"sample_rate": q, "noise_multiplier": s, "steps": n}
                                            for q, s, n in events],
                             "delta": delta, "epsilon": number(epsilon), "order": order})
    return {
        "generator": "scripts/compare_accountant.py",
        "dp_accounting_version": importlib.metadata.version("dp-accounting"),
        "method": "RdpAccountant() defaults: DEFAULT_RDP_ORDERS, |C(alpha,i)| fractional series, compute_epsilon",
        "orders": orders,
        "mechanisms": mechanisms,
        "points": points,
        "compositions": compositions,
    }


def relative_error(ours, reference):
    if math.isinf(reference) or math.isinf(ours):
        return 0.0 if ours == reference else math.inf
    if reference == 0:
        return 0.0 if abs(ours) <= 1e-12 else math.inf
    return abs(ours - reference) / abs(reference)


def run_cohort(binary, point):
    arguments = [binary, "privacy", "epsilon", "--noise-multiplier", repr(point["noise_multiplier"]),
                 "--sample-rate", repr(point["sample_rate"]), "--steps", str(point["steps"]),
                 "--delta", repr(point["delta"]), "--json"]
    result = subprocess.run(arguments, capture_output=True, text=True, check=True)
    value = json.loads(result.stdout)["epsilon"]
    return math.inf if value == "inf" else float(value)


def compare_with_cohort(binary, fixture):
    points = fixture["points"]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ours = list(pool.map(lambda p: run_cohort(binary, p), points))
    worst, worst_point = 0.0, None
    for value, point in zip(ours, points):
        reference = math.inf if point["epsilon"] == "inf" else point["epsilon"]
        error = relative_error(value, reference)
        if error > worst or worst_point is None:
            worst, worst_point = error, dict(point, cohort=value)
    return len(points), worst, worst_point


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cohort", help="path of the built cohort binary; compares its epsilons with dp-accounting's")
    parser.add_argument("--fixture", default=FIXTURE, help="where to write the grid (default: %(default)s)")
    arguments = parser.parse_args()

    fixture = build_fixture()
    with open(arguments.fixture, "w") as handle:
        json.dump(fixture, handle, indent=None, separators=(",", ":"))
        handle.write("\n")
    print(f"wrote {os.path.normpath(arguments.fixture)}: {len(fixture['points'])} grid points, "
          f"{len(fixture['mechanisms'])} (q, sigma) RDP curves, {len(fixture['compositions'])} compositions "
          f"(dp-accounting {fixture['dp_accounting_version']})")
    given_up = sum(r == "inf" for m in fixture["mechanisms"] for r in m["rdp"])
    print(f"  {given_up} (q, sigma, order) RDP values are inf: fractional series dp-accounting gives up on "
          f"after 1000 terms (those orders are excluded, in Cohort too)")

    if arguments.cohort:
        count, worst, point = compare_with_cohort(arguments.cohort, fixture)
        print(f"cohort privacy epsilon vs dp-accounting on {count} points: max relative error {worst:.3e}")
        print(f"  worst point: {json.dumps(point)}")
        if worst > 1e-3:
            print("FAIL: above the 1e-3 tolerance", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
