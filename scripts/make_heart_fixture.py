#!/usr/bin/env python3
"""Dumps reference values of the FLamby heart-disease preparation for Cohort's Swift tests.

The reference is /work/shared/anchors/heart_data.py (an independent Python implementation of
FLamby's Fed-Heart-Disease preprocessing), run on the copies bundled in
Sources/Datasets/Resources/uci-heart-disease. For every center it records, center- and
pooled-standardized: split sizes, label sums, the first 3 and the last train and test rows,
and the column means of each split; plus the standardization statistics. Float32 values are
written as the exact decimal of the float32, so the Swift test can compare bit for bit.

Usage: /tmp/anchors/.venv/bin/python scripts/make_heart_fixture.py [--anchors /work/shared/anchors]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "Sources/Datasets/Resources/uci-heart-disease"
OUT = REPO / "Tests/DatasetsTests/Fixtures/heart-reference.json"


def f32(values) -> list:
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def summary(x: np.ndarray, y: np.ndarray) -> dict:
    return {
        "count": int(len(y)),
        "positives": int(y.sum()),
        "head": [f32(r) for r in x[:3]],
        "last": f32(x[-1]),
        "columnMeans": [float(v) for v in x.astype(np.float64).mean(axis=0)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchors", type=Path, default=Path("/work/shared/anchors"))
    args = parser.parse_args()
    sys.path.insert(0, str(args.anchors))
    from heart_data import load_flamby_heart  # noqa: E402

    d = load_flamby_heart(DATA)
    pooled = d["pooled"]
    offsets = np.cumsum([0] + [len(d["centers"][k]["y_train"]) for k in range(4)])
    centers = []
    for k in range(4):
        c = d["centers"][k]
        centers.append({
            "name": c["name"],
            "siteStandardized": {"train": summary(c["X_train"], c["y_train"]),
                                 "test": summary(c["X_test"], c["y_test"])},
            "pooledStandardized": {
                "train": summary(pooled["X_train"][offsets[k]:offsets[k + 1]], pooled["y_train"][offsets[k]:offsets[k + 1]]),
                "test": summary(pooled["X_test_by_center"][k], pooled["y_test_by_center"][k]),
            },
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "generator": "scripts/make_heart_fixture.py from /work/shared/anchors/heart_data.py, numpy " + np.__version__,
        "centers": centers,
    }, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
