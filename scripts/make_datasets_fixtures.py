#!/usr/bin/env python3
"""Writes the NumPy fixtures that Cohort's DatasetsTests read (Tests/DatasetsTests/Fixtures/).

* npy/*.npy: tiny arrays in every header version (1.0, 2.0, 3.0) and the dtypes Cohort reads
  (|u1, <i8, <f4, <f8, >f4, |b1), plus ones it must refuse (Fortran order, '<U3', a structured
  dtype), with their expected values in npy/expected.json.
* npz/tiny-{stored,deflated}.npz: a miniature MedMNIST-style archive (colour images, (N, 1)
  labels) written with np.savez and np.savez_compressed, and grayscale variants that are each
  wrong in one way (label count, a fractional label, a NaN pixel, no validation split).
* medmnist-spotcheck.json: pixels of a few BreastMNIST and PneumoniaMNIST images as numpy
  computes them (uint8 -> float32 / 255), for comparison with Cohort's reader.

Usage: /tmp/anchors/.venv/bin/python scripts/make_datasets_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "Tests/DatasetsTests/Fixtures"
MEDMNIST = {
    "breastmnist": REPO / "Sources/Datasets/Resources/medmnist/breastmnist.npz",
    "pneumoniamnist": Path("/work/shared/data/medmnist-pneumoniamnist/pneumoniamnist.npz"),
}


def write_npy(name: str, array: np.ndarray, version: tuple[int, int] | None = (1, 0)) -> None:
    with open(FIXTURES / "npy" / name, "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=False)


def main() -> None:
    (FIXTURES / "npy").mkdir(parents=True, exist_ok=True)
    (FIXTURES / "npz").mkdir(parents=True, exist_ok=True)

    arrays = {
        "u1-v1.npy": (np.arange(24, dtype=np.uint8).reshape(2, 3, 4) * 10, (1, 0)),
        "f4-v2.npy": (np.array([[0.1, -2.5, 3e-8], [1e30, -0.0, 7.0]], dtype="<f4"), (2, 0)),
        "f8-v3.npy": (np.array([1 / 3, -1e-300, 2.5], dtype="<f8"), (3, 0)),
        "i8-v1.npy": (np.array([[-3, 0], [255, 1 << 40]], dtype="<i8"), (1, 0)),
        "f4-big-endian.npy": (np.array([1.5, -2.0, 0.25], dtype=">f4"), (1, 0)),
        "b1-v1.npy": (np.array([True, False, True]), (1, 0)),
        "scalar-f4.npy": (np.array(4.5, dtype="<f4"), (1, 0)),
    }
    expected = {}
    for name, (array, version) in arrays.items():
        write_npy(name, array, version)
        expected[name] = {"shape": list(array.shape), "descr": array.dtype.str,
                          "values": [float(v) for v in array.astype(np.float32).ravel()]}
    write_npy("fortran-f4.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    write_npy("unicode.npy", np.array(["abc", "de"], dtype="<U3"))
    write_npy("structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")]))
    (FIXTURES / "npy" / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")

    rng = np.random.default_rng(7)
    tiny = {}
    for split, n in (("train", 5), ("val", 2), ("test", 3)):
        tiny[f"{split}_images"] = rng.integers(0, 256, size=(n, 4, 3, 3), dtype=np.uint8)  # N, H, W, C
        tiny[f"{split}_labels"] = rng.integers(0, 3, size=(n, 1)).astype(np.int64)
    np.savez(FIXTURES / "npz" / "tiny-stored.npz", **tiny)
    np.savez_compressed(FIXTURES / "npz" / "tiny-deflated.npz", **tiny)
    # Damaged variants, each wrong in exactly one way.
    bad = {k: v[:, :, :, 0] for k, v in tiny.items() if k.endswith("_images")}
    bad.update({k: v.reshape(-1) for k, v in tiny.items() if k.endswith("_labels")})
    np.savez(FIXTURES / "npz" / "bad-label-count.npz", **{**bad, "train_labels": bad["train_labels"][:4]})
    np.savez(FIXTURES / "npz" / "bad-label-value.npz",
             **{**bad, "val_labels": np.array([1.0, 0.5], dtype=np.float32)})
    nan_images = bad["test_images"].astype(np.float32) / 255
    nan_images[2, 1, 2] = np.nan  # test image 2 (row 3), flat pixel 1 * 3 + 2 = 5
    np.savez(FIXTURES / "npz" / "nan-pixel.npz", **{**bad, "test_images": nan_images})
    np.savez(FIXTURES / "npz" / "no-validation.npz", **{k: v for k, v in bad.items() if not k.startswith("val")})

    (FIXTURES / "npz" / "tiny-expected.json").write_text(json.dumps({
        key: {"shape": list(v.shape), "values": [int(x) for x in v.ravel()]} for key, v in tiny.items()
    }) + "\n")

    spot = {}
    for name, path in MEDMNIST.items():
        if not path.exists():
            continue
        data = np.load(path)
        checks = []
        for split in ("train", "val", "test"):
            images = data[f"{split}_images"].astype(np.float32) / np.float32(255)
            labels = data[f"{split}_labels"].reshape(-1)
            for index in sorted({0, len(images) // 2, len(images) - 1}):
                checks.append({
                    "split": split, "index": index, "label": int(labels[index]),
                    "pixels": {str(p): float(images[index].ravel()[p]) for p in (0, 27, 28 * 14 + 14, 783)},
                    "sum": float(images[index].astype(np.float64).sum()),
                })
        spot[name] = {
            "counts": {s: int(len(data[f"{s}_labels"])) for s in ("train", "val", "test")},
            "labelCounts": {s: np.bincount(data[f"{s}_labels"].reshape(-1), minlength=2).tolist()
                            for s in ("train", "val", "test")},
            "images": checks,
        }
    (FIXTURES / "medmnist-spotcheck.json").write_text(json.dumps(spot, indent=1) + "\n")
    print(f"wrote fixtures under {FIXTURES}")


if __name__ == "__main__":
    main()
