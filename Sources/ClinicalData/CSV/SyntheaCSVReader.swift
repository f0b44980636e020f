import Foundation

/// Reads Synthea's CSV export (`patients.csv`, `encounters.csv`, `observations.csv`,
/// `conditions.csv`, `medications.csv`) into the extractor.
///
/// The CSV export carries no code-system column for most tables; Synthea's data dictionary
/// fixes them: observations are LOINC, conditions and encounters SNOMED CT, medications
/// RxNorm. A `SYSTEM` column, where a newer Synthea writes one, is honoured. Columns are found
/// by header name, so column order and added columns do not matter.
struct SyntheaCSVReader {
    let directory: URL

    /// The table files, found in `directory` or its `csv/` subfolder.
    func tablePath(_ name: String) -> String? {
        for folder in [directory, directory.appendingPathComponent("csv")] {
            let path = folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    func read(into extractor: CohortExtractor) throws {
        guard let patients = tablePath("patients.csv") else {
            throw ClinicalDataError.sourceNotFound(
                path: directory.path,
                remedy: "no patients.csv there or in csv/; pass the folder of Synthea's CSV export")
        }
        readTable(patients, into: extractor, required: ["ID", "BIRTHDATE", "GENDER"]) { row, header in
            let id = header.value("ID", row)
            let birth = header.value("BIRTHDATE", row)
            var birthDate: CivilDate?
            if !birth.isEmpty {
                guard let instant = ISO8601Text.instant(birth) else {
                    extractor.report(kind: RecordErrorKind.badDate, resource: "patients.csv line \(row.line)", reason: "BIRTHDATE '\(birth)' is not a date")
                    return
                }
                birthDate = CivilDate(instant: instant)
            }
            let deathText = header.value("DEATHDATE", row)
            let place = PatientPlace(
                city: header.optional("CITY", row), county: header.optional("COUNTY", row),
                postalCode: header.optional("ZIP", row), state: header.optional("STATE", row))
            extractor.patient(
                id: id, birthDate: birthDate, sex: header.value("GENDER", row),
                death: deathText.isEmpty ? nil : ISO8601Text.instant(deathText, zone: extractor.study.timeZone), place: place)
        }
        if let encounters = tablePath("encounters.csv") {
            readTable(encounters, into: extractor, required: ["START", "PATIENT"]) { row, header in
                guard let time = ISO8601Text.instant(header.value("START", row), zone: extractor.study.timeZone) else { return }
                extractor.encounter(patient: header.value("PATIENT", row), time: time)
            }
        }
        let index = extractor.index
        if let observations = tablePath("observations.csv") {
            readTable(observations, into: extractor, required: ["DATE", "PATIENT", "CODE", "VALUE"]) { row, header in
                let code = ClinicalCode(system(header, row, default: .loinc), header.value("CODE", row))
                let slots = index.slots(for: code, in: .observation)
                guard !slots.isEmpty else {
                    extractor.countNotInStudy()
                    return
                }
                guard let time = date(header.value("DATE", row), row: row, file: "observations.csv", extractor) else { return }
                let patient = header.value("PATIENT", row)
                let value = header.value("VALUE", row)
                let type = header.value("TYPE", row).lowercased()
                if type != "text", let number = DecimalBytes.parse(Substring(value)) {
                    extractor.quantity(
                        patient: patient, slots: slots, time: time, value: number, unit: header.value("UNITS", row),
                        resource: "observations.csv line \(row.line)")
                } else if type != "text", let censored = CensoredText.parse(value) {
                    extractor.quantity(
                        patient: patient, slots: slots, time: time, value: censored.value, unit: header.value("UNITS", row),
                        comparator: censored.comparator, resource: "observations.csv line \(row.line)")
                } else if type == "numeric" {
                    extractor.report(
                        kind: RecordErrorKind.malformedValue, resource: "observations.csv line \(row.line)",
                        reason: "VALUE '\(value)' of a numeric observation is not a number")
                } else {
                    extractor.coded(
                        patient: patient, slots: slots, time: time, codes: [], text: value,
                        resource: "observations.csv line \(row.line)")
                }
            }
        }
        if let conditions = tablePath("conditions.csv") {
            readTable(conditions, into: extractor, required: ["START", "PATIENT", "CODE"]) { row, header in
                let code = ClinicalCode(system(header, row, default: .snomed), header.value("CODE", row))
                let slots = index.slots(for: code, in: .condition)
                guard !slots.isEmpty else {
                    extractor.conditionNotInStudy(code, display: header.optional("DESCRIPTION", row))
                    extractor.countNotInStudy()
                    return
                }
                guard let time = date(header.value("START", row), row: row, file: "conditions.csv", extractor) else { return }
                // STOP is when the condition ended (empty: ongoing); the export has no verification status.
                var status = ConditionRecordStatus.unknown
                if let stop = header.optional("STOP", row) {
                    guard let end = date(stop, row: row, file: "conditions.csv", extractor) else { return }
                    status.abatement = end
                }
                extractor.condition(patient: header.value("PATIENT", row), slots: slots, time: time, status: status)
            }
        }
        if let medications = tablePath("medications.csv") {
            readTable(medications, into: extractor, required: ["START", "PATIENT", "CODE"]) { row, header in
                let code = ClinicalCode(system(header, row, default: .rxnorm), header.value("CODE", row))
                let slots = index.slots(for: code, in: .medication)
                guard !slots.isEmpty else {
                    extractor.countNotInStudy()
                    return
                }
                guard let time = date(header.value("START", row), row: row, file: "medications.csv", extractor) else { return }
                extractor.presence(patient: header.value("PATIENT", row), slots: slots, time: time)
            }
        }
    }

    private func system(_ header: CSVHeader, _ row: CSVRecordReader.Record, default fallback: CodeSystem) -> CodeSystem {
        guard let text = header.optional("SYSTEM", row) else { return fallback }
        if text.contains("://") { return CodeSystem(uri: text) }
        return CodeSystem.wellKnown[text.lowercased().replacingOccurrences(of: " ", with: "")] ?? fallback
    }

    private func date(_ text: String, row: CSVRecordReader.Record, file: String, _ extractor: CohortExtractor) -> Int64? {
        guard let time = ISO8601Text.instant(text, zone: extractor.study.timeZone) else {
            extractor.report(kind: RecordErrorKind.badDate, resource: "\(file) line \(row.line)", reason: "date '\(text)' is not ISO 8601")
            return nil
        }
        return time
    }

    /// Streams one table; a table without a required column is skipped whole (every row counted).
    private func readTable(
        _ path: String, into extractor: CohortExtractor, required: [String],
        _ body: (CSVRecordReader.Record, CSVHeader) -> Void
    ) {
        let name = (path as NSString).lastPathComponent
        extractor.beginFile(path, bytes: 0)
        do {
            let reader = try CSVRecordReader(path: path)
            guard let headerRow = try reader.next() else {
                extractor.commitFile(finalizingPatients: false)
                return
            }
            let header = CSVHeader(headerRow.fields)
            let missing = required.filter { header.index(of: $0) == nil }
            while let row = try reader.next() {
                extractor.countRow()
                if !missing.isEmpty {
                    extractor.report(
                        kind: RecordErrorKind.missingColumn, resource: "\(name) line \(row.line)",
                        reason: "the header has no \(missing.joined(separator: ", ")) column; row skipped")
                    continue
                }
                guard row.fields.count == header.count else {
                    extractor.report(
                        kind: RecordErrorKind.wrongColumnCount, resource: "\(name) line \(row.line)",
                        reason: "\(row.fields.count) fields where the header has \(header.count); row skipped")
                    continue
                }
                body(row, header)
            }
            extractor.countBytes(reader.bytesRead)
            extractor.commitFile(finalizingPatients: false)
        } catch {
            extractor.abandonFile(
                RecordError(
                    kind: RecordErrorKind.unreadableFile, file: path, resource: "file",
                    reason: "cannot be read (\(error.reason)); check permissions"))
        }
    }
}

/// Column positions by (case-insensitive) header name.
struct CSVHeader {
    private let positions: [String: Int]
    let count: Int

    init(_ names: [String]) {
        var positions = [String: Int]()
        for (index, name) in names.enumerated() where positions[name.trimmingSpaces.uppercased()] == nil {
            positions[name.trimmingSpaces.uppercased()] = index
        }
        self.positions = positions
        count = names.count
    }

    func index(of name: String) -> Int? { positions[name.uppercased()] }

    /// The trimmed value of a required column.
    func value(_ name: String, _ row: CSVRecordReader.Record) -> String {
        guard let index = positions[name], index < row.fields.count else { return "" }
        return row.fields[index].trimmingSpaces
    }

    /// The trimmed value of an optional column, nil when absent or empty.
    func optional(_ name: String, _ row: CSVRecordReader.Record) -> String? {
        let text = value(name, row)
        return text.isEmpty ? nil : text
    }
}
