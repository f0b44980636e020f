// ClinicalData: study schemas, FHIR R4 and CSV readers, harmonization, federated statistics, quality reports.
