#!/usr/bin/env python3
"""Writes Tests/ClinicalDataTests/Fixtures/heart-flamby-encoded.csv: the complete FLamby
Fed-Heart-Disease feature matrix before the train/test split and standardization (740 rows,
13 Float32 features and the label, in center and file order), for the test that the UCI files
read through Cohort's generic CSV path give exactly FLamby's dataset.

The reference implementation is /work/shared/anchors/heart_data.py (an independent Python
port of FLamby's flamby/datasets/fed_heart_disease preprocessing): its reader, then the same
steps it applies before splitting: drop columns 10-12, drop rows with a NaN, label num > 0,
get_dummies(columns=[cp, restecg], drop_first=True) over the pooled data, float32.

Usage: python3 scripts/make_clinical_heart_fixture.py [--anchors /work/shared/anchors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "Sources/Datasets/Resources/uci-heart-disease"
OUT = REPO / "Tests/ClinicalDataTests/Fixtures/heart-flamby-encoded.csv"
CENTERS = ["cleveland", "hungarian", "switzerland", "va"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchors", type=Path, default=Path("/work/shared/anchors"))
    args = parser.parse_args()
    sys.path.insert(0, str(args.anchors))
    from heart_data import _read  # noqa: E402

    parts, labels, sites = [], [], []
    for name in CENTERS:
        a = _read(DATA / f"processed.{name}.data")
        a = np.delete(a, [10, 11, 12], axis=1)
        a = a[~np.isnan(a).any(axis=1)]
        parts.append(a[:, :-1])
        labels.append((a[:, -1] > 0).astype(np.float64))
        sites += [name] * len(a)
    x = np.concatenate(parts)
    y = np.concatenate(labels)
    keep = [i for i in range(x.shape[1]) if i not in (2, 6)]
    columns = [x[:, keep]]
    for col in (2, 6):
        cats = np.unique(x[:, col])
        columns.append(np.stack([(x[:, col] == v).astype(np.float64) for v in cats[1:]], axis=1))
    encoded = np.concatenate(columns, axis=1).astype(np.float32)
    assert encoded.shape == (740, 13), encoded.shape
    lines = ["site,age,sex,trestbps,chol,fbs,thalach,exang,oldpeak,cp=2,cp=3,cp=4,restecg=1,restecg=2,label"]
    for site, row, label in zip(sites, encoded, y):
        lines.append(",".join([site] + [repr(float(v)) for v in row] + [repr(float(label))]))
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(sites)} rows)")


if __name__ == "__main__":
    main()
