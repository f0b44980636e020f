#!/usr/bin/env python3
"""The Python peer for `cohort data bench`: reads the same FHIR R4 bundles with the standard
library's `json` (C-accelerated) and plain dict walking, extracting what the
synthea-cardiovascular study reads, and reports throughput and peak memory in the same shape.

Per bundle: json.load, then for every entry: Patient (id, gender, birthDate, deceased,
address city), Observation (codes matched against the study's LOINC codes, effective date,
valueQuantity value and unit, valueCodeableConcept codings, component values), Condition
(SNOMED CT codes, onset), MedicationRequest (RxNorm codes, authoredOn) and Encounter (period
start); matched records are kept per patient, as Cohort keeps its events. Dates are kept as
strings and units are not converted (less work than Cohort does, which favours the peer).

Usage: python3 scripts/fhir_python_peer.py --fhir ../shared/data/synthea-fhir-r4 [--repeat 18] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

OBSERVATION_CODES = {
    "39156-5", "29463-7", "8302-2", "8480-6", "8462-4", "2093-3", "18262-6", "2089-1", "2085-9", "2571-8",
    "2339-0", "2345-7", "4548-4", "33914-3", "72166-2",
}
CONDITION_CODES = {"38341003", "59621000", "44054006", "15777000"}
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"


def bundle_files(root: str) -> list[str]:
    files = []
    for directory, _, names in os.walk(root):
        files += [os.path.join(directory, name) for name in names if name.endswith(".json")]
    return sorted(files)


def codes(concept: dict, system: str, wanted: set) -> list[str]:
    return [c["code"] for c in concept.get("coding", []) if c.get("system") == system and c.get("code") in wanted]


def value_of(element: dict):
    if "valueQuantity" in element:
        quantity = element["valueQuantity"]
        return (quantity.get("value"), quantity.get("code") or quantity.get("unit"))
    if "valueCodeableConcept" in element:
        return [(c.get("system"), c.get("code")) for c in element["valueCodeableConcept"].get("coding", [])]
    return element.get("valueString")


def read_bundle(path: str, suffix: str, patients: dict, counts: dict) -> None:
    with open(path, "rb") as handle:
        bundle = json.load(handle)
    if bundle.get("resourceType") != "Bundle":
        counts["errors"] += 1
        return
    for entry in bundle.get("entry", []):
        res = entry.get("resource", {})
        kind = res.get("resourceType")
        counts["resources"] += 1
        if kind == "Patient":
            counts["patients"] += 1
            address = (res.get("address") or [{}])[0]
            patients.setdefault(res["id"] + suffix, {"events": []}).update(
                gender=res.get("gender"), birth=res.get("birthDate"),
                death=res.get("deceasedDateTime"), city=address.get("city"))
            continue
        subject = (res.get("subject") or {}).get("reference", "")
        patient = subject.rsplit(":", 1)[-1].rsplit("/", 1)[-1] + suffix
        if kind == "Observation":
            when = res.get("effectiveDateTime") or res.get("issued")
            matched = codes(res.get("code", {}), LOINC, OBSERVATION_CODES)
            if matched:
                patients.setdefault(patient, {"events": []})["events"].append((matched[0], when, value_of(res)))
            for component in res.get("component", []):
                matched = codes(component.get("code", {}), LOINC, OBSERVATION_CODES)
                if matched:
                    patients.setdefault(patient, {"events": []})["events"].append((matched[0], when, value_of(component)))
        elif kind == "Condition":
            matched = codes(res.get("code", {}), SNOMED, CONDITION_CODES)
            if matched:
                patients.setdefault(patient, {"events": []})["events"].append((matched[0], res.get("onsetDateTime"), 1))
        elif kind == "MedicationRequest":
            concept = res.get("medicationCodeableConcept", {})
            _ = [c.get("code") for c in concept.get("coding", [])]
        elif kind == "Encounter":
            start = (res.get("period") or {}).get("start")
            patients.setdefault(patient, {"events": []})["events"].append(("encounter", start, None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fhir", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = bundle_files(args.fhir)
    if not files:
        sys.exit(f"{args.fhir}: no *.json bundles")
    patients: dict = {}
    counts = {"resources": 0, "patients": 0, "errors": 0}
    total = 0
    start = time.perf_counter()
    cpu = time.process_time()
    for round_ in range(args.repeat):
        suffix = "" if round_ == 0 else f"#{round_}"
        for path in files:
            total += os.path.getsize(path)
            read_bundle(path, suffix, patients, counts)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    result = {
        "tool": f"python {sys.version.split()[0]} json + dict walking",
        "files": len(files) * args.repeat, "bytes": total, "seconds": seconds, "cpu_seconds": cpu,
        "megabytes_per_second": total / 1e6 / seconds, "peak_rss_bytes": peak, "peak_rss_megabytes": peak / 1e6,
        "patients_read": counts["patients"], "resources": counts["resources"], "repeats": args.repeat, "errors": counts["errors"],
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"python peer: {result['files']} files, {total / 1e6:.1f} MB in {seconds:.3f} s (cpu {cpu:.3f} s): "
              f"{result['megabytes_per_second']:.1f} MB/s on one core")
        print(f"  peak RSS {peak / 1e6:.1f} MB; {counts['resources']} resources, {counts['patients']} patients")


if __name__ == "__main__":
    main()
