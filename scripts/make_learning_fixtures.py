#!/usr/bin/env python3
"""Writes the PyTorch / scikit-learn reference values the Learning tests compare against.

Cohort's learning core keeps PyTorch's layouts (Dense weight [out, in], Conv2D weight
[out, in, k, k], NCHW, parameters in `model.parameters()` order), so a model built here and
the same model built by `ModelSpec.makeLayers` hold the same numbers in the same places.
Nothing random is shared: parameters and inputs come from a sine pattern,

    value[i] = amplitude * sin(frequency * i + phase)    (float64, then rounded to float32)

evaluated with Python's `math.sin` (the C library's, as Swift calls it), so the Swift tests
rebuild the parameters from the three numbers stored beside them and check they match.

References are computed in float64 from those float32 values, so they are the exact answer
to the float32 problem; Cohort computes in float32 and is compared with a relative
tolerance.

Writes into Tests/LearningTests/Fixtures/:
  models.json      forward logits, loss and parameter gradients of whole models, and the
                   gradient with respect to the input batch
  optimizers.json  SGD (momentum + weight decay) and Adam steps, on given gradients and as
                   three full training steps of a model
  losses.json      softmax cross-entropy and BCE-with-logits, including logits of +-50
  metrics.json     AUROC (with ties), accuracy, log-loss and confusion counts from scikit-learn

Usage: /tmp/anchors/.venv/bin/python scripts/make_learning_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, roc_auc_score
from torch import nn

torch.set_default_dtype(torch.float64)


def pattern(count: int, amplitude: float, frequency: float, phase: float) -> np.ndarray:
    """The shared deterministic pattern, rounded to float32 (the precision Cohort stores)."""
    return np.array([amplitude * math.sin(frequency * i + phase) for i in range(count)], dtype=np.float32)


def floats(array) -> list[float]:
    """Values as JSON numbers. float32 values are written as their exact float64 value, which
    reads back (as Double, then Float) to the same float32 with no double rounding."""
    return [float(v) for v in np.asarray(array).ravel()]


# ---------------------------------------------------------------------------------------------
# Models, mirroring ModelSpec.makeLayers

def build(spec: dict, input_shape: list[int], outputs: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    kind = spec["kind"]
    if kind in ("logistic", "mlp") and len(input_shape) > 1:
        layers.append(nn.Flatten())
    width = int(np.prod(input_shape))
    if kind == "logistic":
        layers.append(nn.Linear(width, outputs))
    elif kind == "mlp":
        activation = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[spec["activation"]]
        for hidden in spec["hidden"]:
            layers += [nn.Linear(width, hidden), activation()]
            width = hidden
        layers.append(nn.Linear(width, outputs))
    elif kind == "cnn":
        channels, height, wide = input_shape
        for c in spec["channels"]:
            layers += [nn.Conv2d(channels, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels, height, wide = c, height // 2, wide // 2
        layers += [nn.Flatten(), nn.Linear(channels * height * wide, spec["dense"]), nn.ReLU(),
                   nn.Linear(spec["dense"], outputs)]
    else:
        raise ValueError(kind)
    return nn.Sequential(*layers)


def tensor_names(model: nn.Sequential) -> list[dict]:
    """Cohort's names for the parameter tensors (`dense1.weight`, `conv2.bias`...), with shapes."""
    names, counts = [], {}
    for module in model:
        kind = {nn.Linear: "dense", nn.Conv2d: "conv"}.get(type(module))
        if kind is None:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        for name, p in module.named_parameters():
            names.append({"name": f"{kind}{counts[kind]}.{name}", "shape": list(p.shape)})
    return names


def set_flat(model: nn.Module, flat: np.ndarray) -> None:
    offset = 0
    with torch.no_grad():
        for p in model.parameters():
            n = p.numel()
            p.copy_(torch.from_numpy(flat[offset:offset + n].astype(np.float64)).view_as(p))
            offset += n
    assert offset == flat.size, (offset, flat.size)


def flat_gradients(model: nn.Module) -> np.ndarray:
    return np.concatenate([p.grad.detach().numpy().ravel() for p in model.parameters()])


def flat_parameters(model: nn.Module) -> np.ndarray:
    return np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


def loss_function(task: dict):
    if task["kind"] == "binary":
        return lambda logits, y: nn.functional.binary_cross_entropy_with_logits(logits, y.view(-1, 1))
    return lambda logits, y: nn.functional.cross_entropy(logits, y.long())


def outputs_of(task: dict) -> int:
    return 1 if task["kind"] == "binary" else task["classes"]


def labels_for(task: dict, batch: int) -> np.ndarray:
    classes = 2 if task["kind"] == "binary" else task["classes"]
    return np.array([(3 * i + i // 2) % classes for i in range(batch)], dtype=np.float32)


MODEL_CASES = [
    {"name": "logistic", "model": {"kind": "logistic"},
     "input_shape": [13], "task": {"kind": "binary"}, "batch": 6,
     "parameter_pattern": [0.35, 0.731, 0.25], "input_pattern": [1.5, 0.417, 0.1]},
    {"name": "logistic-multiclass", "model": {"kind": "logistic"},
     "input_shape": [2, 3, 2], "task": {"kind": "multiclass", "classes": 3}, "batch": 5,
     "parameter_pattern": [0.3, 0.613, 1.0], "input_pattern": [1.2, 0.291, 0.7]},
    {"name": "mlp-relu", "model": {"kind": "mlp", "hidden": [8, 8], "activation": "relu"},
     "input_shape": [13], "task": {"kind": "binary"}, "batch": 7,
     "parameter_pattern": [0.4, 0.731, 0.25], "input_pattern": [1.5, 0.417, 0.1]},
    {"name": "mlp-tanh", "model": {"kind": "mlp", "hidden": [16, 8], "activation": "tanh"},
     "input_shape": [10], "task": {"kind": "multiclass", "classes": 4}, "batch": 6,
     "parameter_pattern": [0.45, 0.377, 0.5], "input_pattern": [1.0, 0.523, 0.3]},
    {"name": "mlp-sigmoid", "model": {"kind": "mlp", "hidden": [6], "activation": "sigmoid"},
     "input_shape": [5], "task": {"kind": "binary"}, "batch": 4,
     "parameter_pattern": [0.8, 0.913, 0.2], "input_pattern": [1.3, 0.611, 0.9]},
    {"name": "cnn-small", "model": {"kind": "cnn", "channels": [2, 3], "dense": 5},
     "input_shape": [1, 8, 8], "task": {"kind": "binary"}, "batch": 3,
     "parameter_pattern": [0.45, 0.731, 0.25], "input_pattern": [1.0, 0.389, 0.2]},
    {"name": "cnn-rgb", "model": {"kind": "cnn", "channels": [4, 6], "dense": 10},
     "input_shape": [3, 10, 10], "task": {"kind": "multiclass", "classes": 3}, "batch": 4,
     "parameter_pattern": [0.3, 0.557, 0.8], "input_pattern": [1.0, 0.241, 0.4]},
]


def model_case(case: dict) -> dict:
    task = case["task"]
    model = build(case["model"], case["input_shape"], outputs_of(task))
    count = sum(p.numel() for p in model.parameters())
    parameters = pattern(count, *case["parameter_pattern"])
    set_flat(model, parameters)
    batch = case["batch"]
    features = pattern(batch * int(np.prod(case["input_shape"])), *case["input_pattern"])
    labels = labels_for(task, batch)
    x = torch.from_numpy(features.astype(np.float64)).view(batch, *case["input_shape"]).requires_grad_(True)
    y = torch.from_numpy(labels.astype(np.float64))
    logits = model(x)
    loss = loss_function(task)(logits, y)
    loss.backward()
    return {
        "name": case["name"], "model": case["model"],
        "input_shape": case["input_shape"], "task": task, "batch": batch,
        "tensors": tensor_names(model),
        "parameter_pattern": case["parameter_pattern"], "parameters": floats(parameters),
        "features": floats(features), "labels": floats(labels),
        "logits": floats(logits.detach().numpy()), "loss": float(loss.detach()),
        "gradients": floats(flat_gradients(model)),
        "input_gradient": floats(x.grad.numpy()),
    }


# ---------------------------------------------------------------------------------------------
# Optimizers

def optimizer_on_gradients(kind: str, settings: dict, steps: int) -> dict:
    """Steps an optimizer on one tensor with a fixed sequence of gradients."""
    count = 17
    start = pattern(count, 0.6, 0.811, 0.3)
    gradients = [pattern(count, 0.2 * (k + 1), 0.457 + 0.1 * k, 1.1 * k) for k in range(steps)]
    w = torch.from_numpy(start.astype(np.float64)).requires_grad_(True)
    optimizer = make_optimizer(kind, [w], settings)
    trajectory = []
    for g in gradients:
        w.grad = torch.from_numpy(g.astype(np.float64))
        optimizer.step()
        trajectory.append(floats(w.detach().numpy()))
    return {"optimizer": kind, "settings": settings, "start": floats(start),
            "gradients": [floats(g) for g in gradients], "trajectory": trajectory}


def make_optimizer(kind: str, parameters, settings: dict):
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=settings["learning_rate"], momentum=settings["momentum"],
                               weight_decay=settings["weight_decay"])
    return torch.optim.Adam(parameters, lr=settings["learning_rate"], betas=(settings["beta1"], settings["beta2"]),
                            eps=settings["epsilon"], weight_decay=settings["weight_decay"])


def optimizer_on_model(case: dict, kind: str, settings: dict, steps: int) -> dict:
    """Full training steps (forward, loss, backward, update) on one fixed batch."""
    task = case["task"]
    model = build(case["model"], case["input_shape"], outputs_of(task))
    count = sum(p.numel() for p in model.parameters())
    parameters = pattern(count, *case["parameter_pattern"])
    set_flat(model, parameters)
    batch = case["batch"]
    features = pattern(batch * int(np.prod(case["input_shape"])), *case["input_pattern"])
    labels = labels_for(task, batch)
    x = torch.from_numpy(features.astype(np.float64)).view(batch, *case["input_shape"])
    y = torch.from_numpy(labels.astype(np.float64))
    optimizer = make_optimizer(kind, model.parameters(), settings)
    losses, trajectory = [], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_function(task)(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        trajectory.append(floats(flat_parameters(model)))
    return {"optimizer": kind, "settings": settings, "model": case["name"], "losses": losses,
            "trajectory": trajectory}


SGD_SETTINGS = {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.01}
ADAM_SETTINGS = {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 0.01}


# ---------------------------------------------------------------------------------------------
# Losses

def softmax_case(name: str, logits: np.ndarray, labels: list[int]) -> dict:
    z = torch.from_numpy(logits.astype(np.float64)).requires_grad_(True)
    loss = nn.functional.cross_entropy(z, torch.tensor(labels))
    loss.backward()
    return {"name": name, "loss": "softmax-cross-entropy", "width": logits.shape[1],
            "logits": floats(logits), "labels": [float(v) for v in labels],
            "value": loss.item(), "gradient": floats(z.grad.numpy())}


def binary_case(name: str, logits: np.ndarray, labels: list[int]) -> dict:
    z = torch.from_numpy(logits.astype(np.float64)).requires_grad_(True)
    loss = nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(labels, dtype=torch.float64))
    loss.backward()
    return {"name": name, "loss": "binary-cross-entropy-with-logits", "width": 1,
            "logits": floats(logits), "labels": [float(v) for v in labels],
            "value": loss.item(), "gradient": floats(z.grad.numpy())}


def loss_cases() -> list[dict]:
    f32 = lambda rows: np.array(rows, dtype=np.float32)
    return [
        softmax_case("moderate", pattern(15, 2.5, 0.93, 0.4).reshape(5, 3), [0, 2, 1, 1, 0]),
        softmax_case("extreme", f32([[50, -50, 0], [-50, 50, 1], [50, 50, -50], [0, 0, 0], [-50, -50, -50]]),
                     [1, 1, 0, 2, 2]),
        softmax_case("confident-right", f32([[50, -50], [-50, 50]]), [0, 1]),
        binary_case("moderate", pattern(6, 3.0, 1.13, 0.2), [1, 0, 0, 1, 1, 0]),
        binary_case("extreme", f32([50, -50, 50, -50, 0, 30]), [1, 0, 0, 1, 1, 0]),
        binary_case("confident-right", f32([50, -50]), [1, 0]),
    ]


# ---------------------------------------------------------------------------------------------
# Metrics

def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def auroc_cases() -> list[dict]:
    cases = []
    def add(name, scores, labels):
        s = np.array(scores, dtype=np.float32)
        cases.append({"name": name, "scores": floats(s), "labels": [bool(v) for v in labels],
                      "auroc": float(roc_auc_score(labels, s.astype(np.float64)))})
    add("distinct", [0.1, 0.4, 0.35, 0.8, 0.65, 0.2, 0.9], [0, 0, 1, 1, 0, 0, 1])
    add("ties-across-classes", [0.5, 0.5, 0.5, 0.2, 0.8, 0.2, 0.8, 0.5], [1, 0, 1, 0, 1, 0, 0, 1])
    add("all-tied", [0.3] * 6, [0, 1, 0, 1, 1, 0])
    add("perfect", [0.1, 0.2, 0.3, 0.7, 0.8], [0, 0, 0, 1, 1])
    add("inverted", [0.9, 0.8, 0.1, 0.2], [0, 0, 1, 1])
    rounded = np.round(pattern(40, 0.5, 0.77, 0.1) + 0.5, 1)  # ten distinct levels: many ties
    add("rounded-pattern", rounded.tolist(), [(3 * i + i // 3) % 2 for i in range(40)])
    return cases


def evaluation_cases() -> list[dict]:
    cases = []
    # Binary: logits, decision at probability > 0.5 (logit 0 counts as negative).
    z = np.array([2.0, -1.0, 0.0, 0.5, -0.5, 3.0, -2.5, 0.5, 1.5, -0.2], dtype=np.float32)
    y = np.array([1, 0, 1, 0, 0, 1, 1, 1, 0, 0])
    p = sigmoid(z.astype(np.float64))
    predicted = (p > 0.5).astype(int)
    cases.append(evaluation_record("binary", {"kind": "binary"}, z, y, p, predicted, p))
    # Multiclass: softmax over 3 classes; AUROC is class 1 against the rest.
    zm = pattern(24, 2.0, 0.61, 0.9).reshape(8, 3)
    ym = np.array([0, 1, 2, 1, 1, 0, 2, 1])
    e = np.exp(zm.astype(np.float64) - zm.max(axis=1, keepdims=True))
    pm = e / e.sum(axis=1, keepdims=True)
    cases.append(evaluation_record("multiclass", {"kind": "multiclass", "classes": 3}, zm, ym, pm,
                                   pm.argmax(axis=1), pm[:, 1]))
    return cases


def evaluation_record(name, task, logits, labels, probabilities, predicted, class1_scores) -> dict:
    positives = labels == 1
    # Confusion counts of "class 1" against everything else, as ConfusionCounts records them.
    tn, fp, fn, tp = confusion_matrix(positives, predicted == 1, labels=[False, True]).ravel()
    if task["kind"] == "binary":
        loss = log_loss(labels, probabilities, labels=[0, 1])
    else:
        loss = log_loss(labels, probabilities, labels=list(range(task["classes"])))
    return {"name": name, "task": task, "logits": floats(logits), "labels": [float(v) for v in labels],
            "accuracy": float(accuracy_score(labels, predicted)),
            "auroc": float(roc_auc_score(positives, class1_scores)),
            "log_loss": float(loss),
            "confusion": {"true_positives": int(tp), "false_positives": int(fp),
                          "true_negatives": int(tn), "false_negatives": int(fn)}}


# ---------------------------------------------------------------------------------------------

def write(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "Tests/LearningTests/Fixtures")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    versions = {"torch": torch.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__}

    write(args.out / "models.json", {"generator": "scripts/make_learning_fixtures.py", "versions": versions,
                                      "cases": [model_case(c) for c in MODEL_CASES]})
    by_name = {c["name"]: c for c in MODEL_CASES}
    write(args.out / "optimizers.json", {
        "generator": "scripts/make_learning_fixtures.py", "versions": versions,
        "on_gradients": [optimizer_on_gradients("sgd", SGD_SETTINGS, 3),
                         optimizer_on_gradients("adam", ADAM_SETTINGS, 3)],
        "on_models": [optimizer_on_model(by_name["mlp-relu"], "sgd", SGD_SETTINGS, 1),
                      optimizer_on_model(by_name["mlp-relu"], "adam", ADAM_SETTINGS, 3),
                      optimizer_on_model(by_name["cnn-small"], "sgd", SGD_SETTINGS, 3),
                      optimizer_on_model(by_name["cnn-rgb"], "adam", ADAM_SETTINGS, 3)],
    })
    write(args.out / "losses.json", {"generator": "scripts/make_learning_fixtures.py", "versions": versions,
                                      "cases": loss_cases()})
    write(args.out / "metrics.json", {"generator": "scripts/make_learning_fixtures.py", "versions": versions,
                                       "auroc": auroc_cases(), "evaluation": evaluation_cases()})


if __name__ == "__main__":
    main()
