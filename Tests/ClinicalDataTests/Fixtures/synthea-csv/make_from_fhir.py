#!/usr/bin/env python3
"""Writes the four FHIR fixture bundles (../fhir) as a Synthea CSV export of the same patients.

The shared data's FHIR and CSV sets are different Synthea runs, so they cannot show that Cohort
reads the two formats alike. This script re-expresses the fixture patients the way Synthea's
CSV exporter writes them (its data dictionary, early 2022): patients.csv, encounters.csv,
observations.csv (one row per value; blood-pressure panel components as their own rows; coded
values as TYPE text with the display), conditions.csv (START/STOP dates), medications.csv.
Timestamps are UTC with a Z, as Synthea writes them. One quirk of the exporter is kept on
purpose: eGFR (LOINC 33914-3) goes out with UNITS "mL/min", as in ../../../../../shared/data/synthea-csv.

Run from this folder: python3 make_from_fhir.py
"""
import csv
import datetime
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLES = sorted(glob.glob(os.path.join(HERE, "..", "fhir", "*.json")))


def utc(text):
    """An ISO dateTime as Synthea's CSV writes it: UTC, seconds, Z."""
    if text is None:
        return ""
    if len(text) == 10:
        return text
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def date(text):
    return utc(text)[:10] if text else ""


def main():
    patients, encounters, observations, conditions, medications = [], [], [], [], []
    for path in BUNDLES:
        bundle = json.load(open(path, encoding="utf-8"))
        for entry in bundle["entry"]:
            resource = entry["resource"]
            kind = resource["resourceType"]
            if kind == "Patient":
                address = (resource.get("address") or [{}])[0]
                patients.append({
                    "Id": resource["id"], "BIRTHDATE": resource.get("birthDate", ""),
                    "DEATHDATE": date(resource.get("deceasedDateTime")),
                    "GENDER": {"male": "M", "female": "F"}.get(resource.get("gender"), ""),
                    "CITY": address.get("city", ""), "STATE": address.get("state", ""),
                    "COUNTY": address.get("district", ""), "ZIP": address.get("postalCode", ""),
                })
            patient = (resource.get("subject") or {}).get("reference", "").replace("urn:uuid:", "")
            if kind == "Encounter":
                encounters.append({"Id": resource["id"], "START": utc(resource["period"]["start"]),
                                   "STOP": utc(resource["period"].get("end")), "PATIENT": patient})
            elif kind == "Observation":
                when = utc(resource.get("effectiveDateTime") or resource.get("issued"))
                category = resource.get("category", [{}])[0].get("coding", [{}])[0].get("code", "")
                parts = [resource] + resource.get("component", [])
                for part in parts:
                    coding = part["code"]["coding"][0]
                    if "valueQuantity" in part:
                        quantity = part["valueQuantity"]
                        units = "mL/min" if coding["code"] == "33914-3" else quantity.get("code", quantity.get("unit", ""))
                        value, units, kind_ = repr(float(quantity["value"])), units, "numeric"
                    elif "valueCodeableConcept" in part:
                        concept = part["valueCodeableConcept"]
                        value, units, kind_ = concept.get("text") or concept["coding"][0]["display"], "", "text"
                    else:
                        continue
                    observations.append({"DATE": when, "PATIENT": patient, "ENCOUNTER": "", "CATEGORY": category,
                                         "CODE": coding["code"], "DESCRIPTION": coding.get("display", ""),
                                         "VALUE": value, "UNITS": units, "TYPE": kind_})
            elif kind == "Condition":
                coding = resource["code"]["coding"][0]
                conditions.append({"START": date(resource.get("onsetDateTime") or resource.get("recordedDate")),
                                   "STOP": date(resource.get("abatementDateTime")), "PATIENT": patient, "ENCOUNTER": "",
                                   "CODE": coding["code"], "DESCRIPTION": coding.get("display", "")})
            elif kind == "MedicationRequest":
                coding = resource["medicationCodeableConcept"]["coding"][0]
                medications.append({"START": utc(resource.get("authoredOn")), "STOP": "", "PATIENT": patient,
                                    "ENCOUNTER": "", "CODE": coding["code"], "DESCRIPTION": coding.get("display", "")})
    for name, rows in [("patients", patients), ("encounters", encounters), ("observations", observations),
                       ("conditions", conditions), ("medications", medications)]:
        with open(os.path.join(HERE, name + ".csv"), "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
