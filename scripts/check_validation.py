#!/usr/bin/env python3
"""Checks Cohort's clinical validation statistics against scikit-learn, statsmodels and scipy.

Runs the default study (`cohort simulate`, FLamby's Fed-Heart-Disease protocol), then
`cohort report validation --export-predictions`, and recomputes from the exported predictions
(every test row's label, logit, probability, bin and patient groups) what validation.json
reports for every site, for the pooled sites and for every patient group of 11 or more:

  AUROC          scikit-learn roc_auc_score on the bin indices (Cohort's AUROC is that of the
                 binned scores); DeLong's interval from midranks (scipy.stats.rankdata, the
                 Sun & Xu 2014 formulation), which Cohort computes from histograms instead
  calibration    statsmodels Logit (Newton) of the outcome on each row's bin-and-class mean
                 logit: slope, intercept and their Wald intervals; GLM Binomial with the logit
                 as offset: calibration-in-the-large
  operating pts  statsmodels proportion_confint(method="wilson"): sensitivity, specificity, PPV, NPV
  net benefit    numpy, Vickers & Elkin's formula at thresholds 0.01...0.99
  gaps           statsmodels confint_proportions_2indep(method="newcomb") for the TPR difference;
                 calibration-in-the-large and AUROC differences from the two groups' fits
  O/E            numpy

Agreement required: 1e-6 (everything is deterministic: DeLong, not a bootstrap). It also
prints, for information, how far the binned AUROC and calibration slope are from the same
statistics on the unrounded scores (the resolution of the bins).

    python3 scripts/check_validation.py [--cohort .build/debug/cohort] [--workdir DIR]

Needs numpy, scipy, scikit-learn and statsmodels (pip install scikit-learn statsmodels).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import statsmodels.api as sm
from scipy.stats import norm, rankdata
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

TOLERANCE = 1e-6
Z = norm.ppf(0.975)
BINS = 1000
LOGIT_LIMIT = 30.0
MINIMUM_GROUP = 11


class Checks:
    """Every comparison made, by metric: the largest difference seen and any failure."""

    def __init__(self):
        self.largest = {}
        self.counts = {}
        self.failures = []

    def same(self, metric, where, cohort, reference, tolerance=TOLERANCE):
        difference = abs(float(cohort) - float(reference))
        self.largest[metric] = max(self.largest.get(metric, 0.0), difference)
        self.counts[metric] = self.counts.get(metric, 0) + 1
        if not difference <= tolerance:
            self.failures.append(f"{metric} at {where}: Cohort {cohort!r}, reference {reference!r} (difference {difference:.3g})")

    def interval(self, metric, where, cohort, estimate, low, high, tolerance=TOLERANCE):
        if cohort is None:
            self.failures.append(f"{metric} at {where}: Cohort reports none, the reference {estimate}")
            return
        self.same(metric, where, cohort["estimate"], estimate, tolerance)
        self.same(metric, where, cohort["ci_low"], low, tolerance)
        self.same(metric, where, cohort["ci_high"], high, tolerance)

    def fail(self, text):
        self.failures.append(text)


def delong(bins, labels):
    """AUROC and DeLong's variance from midranks (Sun & Xu, IEEE SPL 2014)."""
    positives, negatives = bins[labels == 1], bins[labels == 0]
    m, n = len(positives), len(negatives)
    combined = rankdata(np.concatenate([positives, negatives]))
    within_positives, within_negatives = rankdata(positives), rankdata(negatives)
    auc = (combined[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (combined[:m] - within_positives) / n           # each positive: share of negatives below
    v01 = 1 - (combined[m:] - within_negatives) / m       # each negative: share of positives above
    variance = np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n
    return auc, variance


def cell_mean_logits(bins, labels, logits):
    """Each row's covariate in Cohort's binned fit: the mean clamped logit of its (bin, class)."""
    clamped = np.clip(logits, -LOGIT_LIMIT, LOGIT_LIMIT)
    keys = bins * 2 + labels.astype(int)
    sums, counts = {}, {}
    for key, value in zip(keys, clamped):
        sums[key] = sums.get(key, 0.0) + value
        counts[key] = counts.get(key, 0) + 1
    return np.array([sums[k] / counts[k] for k in keys])


def calibration(x, labels):
    """statsmodels: slope and intercept (Logit on x), and calibration-in-the-large (offset)."""
    fit = sm.Logit(labels, sm.add_constant(x)).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
    offset = sm.GLM(labels, np.ones((len(x), 1)), offset=x, family=sm.families.Binomial()).fit(tol=1e-14, maxiter=200)
    return fit.params, fit.bse, offset.params[0], offset.bse[0]


def check_scope(checks, where, scope, rows, thresholds):
    """Every metric of one set of patients (a scope or a group) against the references."""
    labels, bins, logits, probabilities = rows
    if labels.min() == labels.max():
        if scope["auroc"] is not None:
            checks.fail(f"{where}: one class, yet an AUROC is reported")
        return None
    if min(np.sum(labels == 1), np.sum(labels == 0)) < 2:
        # DeLong's variance needs two patients of each class: Cohort gives the estimate with
        # null bounds and the reason, never a number for the interval.
        auc, variance = roc_auc_score(labels, bins), None
        reported = scope["auroc"]
        if reported is None or reported["ci_low"] is not None or reported["ci_high"] is not None:
            checks.fail(f"{where}: fewer than two patients of a class, yet not an estimate with null bounds: {reported}")
        else:
            checks.same("AUROC (scikit-learn)", where, reported["estimate"], auc)
        if "auroc" not in scope["not_estimable"]:
            checks.fail(f"{where}: no reason given for the missing AUROC interval")
    else:
        auc, variance = delong(bins, labels)
        checks.same("AUROC (scikit-learn)", where, scope["auroc"]["estimate"], roc_auc_score(labels, bins))
        checks.interval("AUROC DeLong interval", where, scope["auroc"], auc,
                        max(0.0, auc - Z * np.sqrt(variance)), min(1.0, auc + Z * np.sqrt(variance)))
    x = cell_mean_logits(bins, labels, logits)
    try:
        params, errors, citl, citl_error = calibration(x, labels)
        finite = np.all(np.isfinite(params)) and np.all(np.isfinite(errors)) and abs(params[1]) < 1e6
    except Exception:  # statsmodels refuses perfectly separated data
        finite = False
    if scope["calibration_slope"] is None:
        if finite:
            checks.fail(f"{where}: Cohort finds the calibration not estimable ({scope['not_estimable'].get('calibration_slope')}), statsmodels fits slope {params[1]}")
        return {"citl": None, "auroc": (auc, variance), "labels": labels, "bins": bins}
    checks.interval("calibration intercept", where, scope["calibration_intercept"], params[0],
                    params[0] - Z * errors[0], params[0] + Z * errors[0])
    checks.interval("calibration slope", where, scope["calibration_slope"], params[1],
                    params[1] - Z * errors[1], params[1] + Z * errors[1])
    checks.interval("calibration-in-the-large", where, scope["calibration_in_the_large"], citl,
                    citl - Z * citl_error, citl + Z * citl_error)
    checks.same("observed/expected", where, scope["observed_expected_ratio"], labels.sum() / probabilities.sum())
    n = len(labels)
    for point in scope["decision_curve"]:
        t = point["threshold"]
        treated = bins >= round(t * BINS)
        tp, fp = np.sum(treated & (labels == 1)), np.sum(treated & (labels == 0))
        checks.same("net benefit", f"{where} at {t}", point["net_benefit"], tp / n - fp / n * t / (1 - t), 1e-12)
        prevalence = labels.mean()
        checks.same("net benefit, treat all", f"{where} at {t}", point["treat_all"], prevalence - (1 - prevalence) * t / (1 - t), 1e-12)
    for point in scope["operating_points"]:
        t = point["threshold"]
        treated = bins >= round(t * BINS)
        tp, fp = np.sum(treated & (labels == 1)), np.sum(treated & (labels == 0))
        fn, tn = np.sum(~treated & (labels == 1)), np.sum(~treated & (labels == 0))
        for key, (count, total) in {"sensitivity": (tp, tp + fn), "specificity": (tn, tn + fp),
                                    "ppv": (tp, tp + fp), "npv": (tn, tn + fn)}.items():
            if total == 0:
                if point[key] is not None:
                    checks.fail(f"{key} at {where}, threshold {t}: no denominator, yet a value is reported")
                continue
            low, high = proportion_confint(count, total, alpha=0.05, method="wilson")
            checks.interval(f"{key} (Wilson)", f"{where} at {t}", point[key], count / total, low, high)
    return {"citl": (citl, citl_error), "auroc": (auc, variance), "labels": labels, "bins": bins}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cohort", default=None, help="the cohort executable (default: .build/release/cohort, else .build/debug/cohort)")
    parser.add_argument("--workdir", default=None, help="where to write the run and the report (default: a temporary folder)")
    options = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cohort = options.cohort or next((p for p in (os.path.join(root, ".build/release/cohort"), os.path.join(root, ".build/debug/cohort"))
                                     if os.path.exists(p)), None)
    if cohort is None:
        sys.exit("no cohort executable: swift build first, or pass --cohort")
    work = options.workdir or tempfile.mkdtemp(prefix="cohort-validation-check-")
    os.makedirs(work, exist_ok=True)
    run_json, report_dir, predictions = (os.path.join(work, name) for name in ("run.json", "report", "predictions.csv"))
    subprocess.run([cohort, "simulate", "--output", run_json, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([cohort, "report", "validation", "--run", run_json, "--out", report_dir, "--threshold", "0.3",
                    "--threshold", "0.5", "--skip-leave-one-site-out", "--export-predictions", predictions],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(report_dir, "validation.json")) as file:
        report = json.load(file)
    with open(predictions) as file:
        table = list(csv.DictReader(file))

    checks = Checks()
    labels = np.array([int(r["label"]) for r in table])
    logits = np.array([float(r["logit"]) for r in table])
    probabilities = np.array([float(r["probability"]) for r in table])
    bins = np.array([int(r["bin"]) for r in table])
    sites = np.array([r["site"] for r in table])
    recomputed = np.minimum(BINS - 1, np.floor(1 / (1 + np.exp(-logits)) * BINS).astype(int))
    if not np.array_equal(recomputed, bins):
        checks.fail(f"{np.sum(recomputed != bins)} rows fall in another bin when recomputed from their logits")
    thresholds = report["settings"]["thresholds"]

    scopes = [(s["site"], s, sites == s["site"]) for s in report["sites"]]
    scopes.append(("pooled", report["pooled"], np.ones(len(table), dtype=bool)))
    for name, scope, mask in scopes:
        if scope["size"] != int(mask.sum()):
            checks.fail(f"{name}: size {scope['size']}, the predictions hold {int(mask.sum())} rows")
        check_scope(checks, name, scope, (labels[mask], bins[mask], logits[mask], probabilities[mask]), thresholds)
        fits = {}
        for group in scope["groups"]:
            column = np.array([r[group["attribute"]] for r in table])
            members = mask & (column == group["value"])
            where = f"{name} {group['attribute']}={group['value']}"
            if members.sum() < MINIMUM_GROUP:
                if not group["too_small"] or group.get("auroc") is not None or group["size"] is not None:
                    checks.fail(f"{where}: {int(members.sum())} patients, yet not reported as too small without numbers")
                continue
            if group["too_small"]:
                checks.fail(f"{where}: {int(members.sum())} patients, reported as too small")
                continue
            fits[group["value"]] = check_scope(checks, where, group, (labels[members], bins[members], logits[members],
                                                                      probabilities[members]), thresholds)
            fits[group["value"]]["attribute"] = group["attribute"]
        for gap in scope["gaps"]:
            a, b = fits.get(gap["group"]), fits.get(gap["reference"])
            where = f"{name} {gap['attribute']} {gap['group']} - {gap['reference']}"
            if a is None or b is None:
                checks.fail(f"{where}: a gap for a group that is not reported")
                continue
            for item in gap["true_positive_rate_difference"]:
                k = round(item["threshold"] * BINS)
                counts = [(int(np.sum((f["bins"] >= k) & (f["labels"] == 1))), int(np.sum(f["labels"] == 1))) for f in (a, b)]
                low, high = confint_proportions_2indep(counts[0][0], counts[0][1], counts[1][0], counts[1][1],
                                                       method="newcomb", compare="diff", alpha=0.05)
                checks.interval("TPR difference (Newcombe)", f"{where} at {item['threshold']}", item["difference"],
                                counts[0][0] / counts[0][1] - counts[1][0] / counts[1][1], low, high)
            if a["citl"] is not None and b["citl"] is not None:
                d = a["citl"][0] - b["citl"][0]
                se = np.hypot(a["citl"][1], b["citl"][1])
                checks.interval("calibration-in-the-large difference", where, gap["calibration_in_the_large_difference"],
                                d, d - Z * se, d + Z * se)
            if a["auroc"][1] is not None and b["auroc"][1] is not None:
                d = a["auroc"][0] - b["auroc"][0]
                se = np.sqrt(a["auroc"][1] + b["auroc"][1])
                checks.interval("AUROC difference", where, gap["auroc_difference"], d, d - Z * se, d + Z * se)
            elif gap["auroc_difference"] is not None:
                checks.fail(f"{where}: an AUROC difference without both variances")

    print(f"Cohort {cohort}; report {report_dir}")
    print(f"{'metric':40} {'values':>7} {'largest difference':>20}")
    for metric in checks.largest:
        print(f"{metric:40} {checks.counts[metric]:7d} {checks.largest[metric]:20.3g}")
    pooled = report["pooled"]
    unbinned = roc_auc_score(labels, probabilities)
    raw_slope = sm.Logit(labels, sm.add_constant(logits)).fit(disp=0).params[1]
    print(f"\nFor information (resolution of the bins, pooled): AUROC binned {pooled['auroc']['estimate']:.6f}, "
          f"unrounded {unbinned:.6f} (tie bound {pooled['auroc_tie_bound']:.2g}); calibration slope binned "
          f"{pooled['calibration_slope']['estimate']:.6f}, on the raw logits {raw_slope:.6f}")
    if checks.failures:
        print(f"\n{len(checks.failures)} disagreement(s) beyond {TOLERANCE}:")
        for failure in checks.failures[:40]:
            print("  " + failure)
        sys.exit(1)
    print(f"\nAll {sum(checks.counts.values())} values agree within {TOLERANCE} (net benefit within 1e-12).")


if __name__ == "__main__":
    main()
