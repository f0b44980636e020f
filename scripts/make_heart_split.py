#!/usr/bin/env python3
"""Writes FLamby's Fed-Heart-Disease train/test split as indices, so Swift can reproduce it.

FLamby (owkin/FLamby, flamby/datasets/fed_heart_disease/dataset.py) splits every center with
scikit-learn's train_test_split(np.arange(n), train_size=0.66, test_size=1 - 0.66,
random_state=43, shuffle=True, stratify=labels when both classes have more than 2 rows).
Reimplementing sklearn's StratifiedShuffleSplit and numpy's legacy Mersenne Twister in Swift
would be fragile, so the split is computed here once and shipped as data.

"Rows" are the rows that survive FLamby's cleaning, numbered 0..n-1 in file order: drop
columns 10, 11, 12 (slope, ca, thal), then drop every row that still has a '?'.
Indices are written in the order sklearn returns them; FLamby itself only uses them as a
membership test and iterates each split in file order (so does Cohort).

Usage: /tmp/anchors/.venv/bin/python scripts/make_heart_split.py \
           [--data /work/shared/data/uci-heart-disease] [--out Sources/Datasets/Resources/uci-heart-disease/flamby-split.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

CENTERS = ["cleveland", "hungarian", "switzerland", "va"]  # FLamby center ids 0..3
DROPPED_COLUMNS = {10, 11, 12}
TRAIN_FRACTION = 0.66
RANDOM_STATE = 43
EXPECTED = {"cleveland": (199, 104), "hungarian": (172, 89), "switzerland": (30, 16), "va": (85, 45)}

REPO = Path(__file__).resolve().parent.parent


def cleaned_labels(path: Path) -> np.ndarray:
    """Binary labels (num > 0) of the rows FLamby keeps, in file order."""
    labels = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        values = line.split(",")
        kept = [v.strip() for i, v in enumerate(values) if i not in DROPPED_COLUMNS]
        if "?" in kept:
            continue
        labels.append(1 if float(kept[-1]) > 0 else 0)
    return np.asarray(labels)


def split(labels: np.ndarray) -> tuple[list[int], list[int]]:
    levels = np.unique(labels)
    stratify = labels if len(levels) > 1 and all((labels == v).sum() > 2 for v in levels) else None
    train, test = train_test_split(
        np.arange(len(labels)),
        test_size=1.0 - TRAIN_FRACTION,
        train_size=TRAIN_FRACTION,
        random_state=RANDOM_STATE,
        shuffle=True,
        stratify=stratify,
    )
    return [int(i) for i in train], [int(i) for i in test]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/uci-heart-disease"))
    parser.add_argument("--out", type=Path,
                        default=REPO / "Sources/Datasets/Resources/uci-heart-disease/flamby-split.json")
    args = parser.parse_args()

    centers = []
    for name in CENTERS:
        path = args.data / f"processed.{name}.data"
        labels = cleaned_labels(path)
        train, test = split(labels)
        assert (len(train), len(test)) == EXPECTED[name], (name, len(train), len(test))
        assert sorted(train + test) == list(range(len(labels))), name
        centers.append({
            "name": name,
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "rows": len(labels),
            "positives": int(labels.sum()),
            "stratified": bool(len(np.unique(labels)) > 1 and min(np.bincount(labels)) > 2),
            "train": train,
            "test": test,
        })

    document = {
        "protocol": "FLamby Fed-Heart-Disease: train_test_split(train_size=0.66, test_size=1.0 - 0.66, "
                    "random_state=43, shuffle=True, stratify=labels if both classes have > 2 rows)",
        "generator": f"scripts/make_heart_split.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "centers": centers,
    }
    # One center per block and one index list per line keeps diffs readable.
    lines = ["{"]
    lines.append(f'  "protocol": {json.dumps(document["protocol"])},')
    lines.append(f'  "generator": {json.dumps(document["generator"])},')
    lines.append('  "centers": [')
    for k, c in enumerate(centers):
        fields = [f'"{key}": {json.dumps(value)}' for key, value in c.items()]
        lines.append("    {\n      " + ",\n      ".join(fields) + "\n    }" + ("," if k < len(centers) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == document
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}: " + ", ".join(f"{c['name']} {len(c['train'])}/{len(c['test'])}" for c in centers))


if __name__ == "__main__":
    main()
