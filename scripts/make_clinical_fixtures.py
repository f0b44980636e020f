#!/usr/bin/env python3
"""Writes the small FHIR and CSV fixtures of Tests/ClinicalDataTests/Fixtures.

Real data, trimmed: four Synthea R4 bundles from ../shared/data/synthea-fhir-r4 (see its
README for provenance and licence: Apache-2.0, synthetic) keep their Patient, every
Encounter, Condition and MedicationRequest, every Observation the synthea-cardiovascular
study reads plus a few it does not (to exercise "not in the study"), and one Claim (a large
resource the reader must skip). Immunizations, procedures, reports, other claims and
explanations of benefit are dropped to keep the fixtures small. Values are untouched.

The bad-input fixtures are written here too, from the trimmed bundles or by hand, so that
every fixture has one documented origin.

Usage: python3 scripts/make_clinical_fixtures.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "Tests/ClinicalDataTests/Fixtures"

# Chosen for what they exercise (see the tests): a hypertensive adult with lipids and eGFR, a
# normotensive adult with HbA1c, a patient who died in 2008 (excluded at the 2020 index
# date), and one whose eGFR is recorded in mL/min (refused: not per 1.73 m2).
PATIENTS = [
    "Stephen_McLaughlin_7735ab79-6ac8-4b81-9936-f7ddabd18751.json",
    "Lupe_Little_f8a42e66-8c03-4ee6-85e3-3817c2942de1.json",
    "Alejandro_Riojas_a9fcc685-c7a2-4474-bf25-26c8fe4b48f9.json",
    "Tom_Goodwin_e20de9eb-6f2d-4871-a43f-bbede53293ed.json",
]

STUDY_LOINC = {
    "39156-5", "29463-7", "8302-2", "55284-4", "8480-6", "8462-4", "2093-3", "18262-6", "2089-1",
    "2085-9", "2571-8", "2339-0", "2345-7", "4548-4", "33914-3", "72166-2",
}
KEEP_OTHER_OBSERVATIONS = 3  # e.g. pain scores: read, matched to nothing, counted


def trim(bundle: dict) -> dict:
    kept = []
    others = 0
    claim = False
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind in ("Patient", "Encounter", "Condition", "MedicationRequest"):
            kept.append(entry)
        elif kind == "Observation":
            code = resource["code"]["coding"][0]["code"]
            if code in STUDY_LOINC:
                kept.append(entry)
            elif others < KEEP_OTHER_OBSERVATIONS:
                kept.append(entry)
                others += 1
        elif kind == "Claim" and not claim:
            kept.append(entry)
            claim = True
    trimmed = dict(bundle)
    trimmed["entry"] = kept
    return trimmed


def write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared/data")
    args = parser.parse_args()
    source = args.shared / "synthea-fhir-r4/bundles"
    bundles = {}
    for name in PATIENTS:
        bundle = json.loads((source / name).read_text(encoding="utf-8"))
        bundles[name] = trim(bundle)
        write_json(OUT / "fhir" / name, bundles[name])

    # The second bundle again as bulk-data NDJSON: one resource per line, Patient/<id> references.
    lines = [json.dumps(entry["resource"], ensure_ascii=False).replace("urn:uuid:", "Patient/")
             for entry in bundles[PATIENTS[1]]["entry"]]
    (OUT / "fhir-ndjson").mkdir(parents=True, exist_ok=True)
    (OUT / "fhir-ndjson/export.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")

    first = bundles[PATIENTS[0]]
    patient = first["entry"][0]["resource"]
    bad = OUT / "fhir-bad"
    # 1. Truncated: a bundle cut off mid-way (an interrupted copy).
    text = json.dumps(first, indent=4, ensure_ascii=False)
    (bad).mkdir(parents=True, exist_ok=True)
    (bad / "truncated.json").write_text(text[: len(text) // 3], encoding="utf-8")
    # 2. Not JSON at all.
    (bad / "not-json.json").write_text("Patient export failed: disk quota exceeded\n", encoding="utf-8")
    # 3. A FHIR resource that is not a Bundle.
    write_json(bad / "patient-only.json", patient)
    # 4. A bundle mixing R4 with DSTU2/STU3 shapes, an unknown unit, a code not in the study.
    stu3_patient = copy.deepcopy(patient)
    stu3_patient["id"] = "stu3-patient"
    reference = {"reference": "urn:uuid:stu3-patient"}
    write_json(bad / "mixed-versions.json", {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:stu3-patient", "resource": stu3_patient},
            {"resource": {"resourceType": "Condition", "id": "stu3-condition", "clinicalStatus": "active",
                          "verificationStatus": "confirmed", "subject": reference,
                          "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]},
                          "onsetDateTime": "2010-01-01"}},
            {"resource": {"resourceType": "Condition", "id": "dstu2-condition", "patient": reference,
                          "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]}}},
            {"resource": {"resourceType": "MedicationOrder", "id": "dstu2-order", "patient": reference}},
            {"resource": {"resourceType": "Observation", "id": "odd-unit", "status": "final", "subject": reference,
                          "code": {"coding": [{"system": "http://loinc.org", "code": "2093-3"}]},
                          "effectiveDateTime": "2019-05-01T10:00:00Z",
                          "valueQuantity": {"value": 5.2, "unit": "furlong/fortnight"}}},
            {"resource": {"resourceType": "Observation", "id": "molar-cholesterol", "status": "final", "subject": reference,
                          "code": {"coding": [{"system": "http://loinc.org", "code": "2093-3"}]},
                          "effectiveDateTime": "2019-06-01T10:00:00Z",
                          "valueQuantity": {"value": 5.0, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"}}},
            {"resource": {"resourceType": "Observation", "id": "not-in-study", "status": "final", "subject": reference,
                          "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
                          "effectiveDateTime": "2019-06-01T10:00:00Z",
                          "valueQuantity": {"value": 98.6, "unit": "[degF]", "system": "http://unitsofmeasure.org", "code": "[degF]"}}},
            {"resource": {"resourceType": "Encounter", "id": "visit", "subject": reference,
                          "period": {"start": "2010-01-01T09:00:00Z", "end": "2010-01-01T10:00:00Z"}}},
        ],
    })
    print(f"wrote {len(PATIENTS)} trimmed bundles, 1 NDJSON export and 4 bad-input files under {OUT}")


if __name__ == "__main__":
    main()
