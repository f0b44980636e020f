import Foundation

/// Reads a site's own CSV extract, one patient per row, through a `CSVMapping`.
///
/// Every cell goes through the same harmonization as FHIR values: missing markers, unit
/// conversion, plausible ranges, categories. A row that lacks a mapped column is skipped and
/// counted; a column mapped to a code the study does not use is reported once and ignored.
struct MappedCSVReader {
    let mapping: CSVMapping

    func read(_ path: String, into extractor: CohortExtractor) {
        let fileName = (path as NSString).lastPathComponent
        extractor.beginFile(path, bytes: 0)
        do {
            let reader = try CSVRecordReader(path: path, delimiter: mapping.delimiter)
            var positions = [Int?]()
            if mapping.hasHeader {
                guard let header = try reader.next() else {
                    extractor.commitFile(finalizingPatients: true)
                    return
                }
                let lookup = CSVHeader(header.fields)
                positions = mapping.columns.map { column in
                    column.header.flatMap { lookup.index(of: $0.trimmingSpaces) } ?? column.position.map { $0 - 1 }
                }
            } else {
                positions = mapping.columns.map { $0.position.map { $0 - 1 } }
            }
            let index = extractor.index
            let columnSlots: [[Int32]] = mapping.columns.map { column in
                switch column.target {
                case .observation(let code):
                    let slots = index.slots(for: code, in: .observation)
                    if slots.isEmpty { extractor.countUnusedColumn(column.name, code: code.description) }
                    return slots
                default: return []
                }
            }
            while let row = try reader.next() {
                extractor.countRow()
                readRow(row, positions: positions, slots: columnSlots, file: fileName, into: extractor)
            }
            extractor.countBytes(reader.bytesRead)
            extractor.commitFile(finalizingPatients: true)
        } catch {
            extractor.abandonFile(
                RecordError(
                    kind: RecordErrorKind.unreadableFile, file: path, resource: "file",
                    reason: "cannot be read (\(error.reason)); check the path and permissions"))
        }
    }

    private func readRow(
        _ row: CSVRecordReader.Record, positions: [Int?], slots: [[Int32]], file: String,
        into extractor: CohortExtractor
    ) {
        let resource = "line \(row.line)"
        // Every mapped column must exist on the row, or the row is skipped.
        for (column, position) in zip(mapping.columns, positions) {
            guard let position, position < row.fields.count else {
                let place = column.header.map { "'\($0)'" } ?? "at position \(column.position ?? 0)"
                extractor.report(
                    kind: RecordErrorKind.missingColumn, resource: resource,
                    reason: "mapped column \(column.name) (\(place)) is missing (the row has \(row.fields.count) fields); row skipped")
                return
            }
        }
        func cell(_ column: CSVMapping.Column, _ position: Int) -> String? {
            var text = row.fields[position].trimmingSpaces
            if mapping.missingMarkers(for: column).contains(text) { return nil }
            if !column.values.isEmpty { text = recoded(text, column.values) }
            return text
        }
        var patientID = "\(file)#\(row.line)"
        var birthDate: CivilDate?
        var deathDate: Int64?
        var place = PatientPlace()
        var time = ClinicalEvent.undated
        for (column, position) in zip(mapping.columns, positions) {
            guard let value = cell(column, position!) else { continue }
            switch column.target {
            case .patientID: patientID = value
            case .birthDate:
                if let instant = ISO8601Text.instant(value) {
                    birthDate = CivilDate(instant: instant)
                } else {
                    extractor.report(kind: RecordErrorKind.badDate, resource: resource, reason: "\(column.name) '\(value)' is not a date (YYYY-MM-DD)")
                }
            case .deathDate: deathDate = ISO8601Text.instant(value, zone: extractor.study.timeZone)
            case .city: place.city = value
            case .county: place.county = value
            case .postalCode: place.postalCode = value
            case .recordDate:
                if let instant = ISO8601Text.instant(value, zone: extractor.study.timeZone) {
                    time = instant
                } else {
                    extractor.report(kind: RecordErrorKind.badDate, resource: resource, reason: "\(column.name) '\(value)' is not a date")
                }
            default: break
            }
        }
        guard extractor.patient(id: patientID, birthDate: birthDate, sex: nil, death: deathDate, place: place) else { return }
        let index = extractor.index
        for ((column, position), columnSlots) in zip(zip(mapping.columns, positions), slots) {
            guard let value = cell(column, position!) else { continue }
            switch column.target {
            case .age:
                guard let slot = index.ageSlot else { continue }
                guard let years = DecimalBytes.parse(Substring(value)) else {
                    extractor.report(kind: RecordErrorKind.malformedValue, resource: resource, reason: "\(column.name) '\(value)' is not a number")
                    continue
                }
                extractor.quantity(patient: patientID, slots: [slot], time: time, value: years, unit: column.unit ?? "a", resource: resource)
            case .sex:
                extractor.sex(patient: patientID, text: value, resource: resource)
            case .observation:
                guard !columnSlots.isEmpty else { continue }
                if let number = DecimalBytes.parse(Substring(value)) {
                    extractor.quantity(patient: patientID, slots: columnSlots, time: time, value: number, unit: column.unit, resource: resource)
                } else if let censored = CensoredText.parse(value) {
                    extractor.quantity(
                        patient: patientID, slots: columnSlots, time: time, value: censored.value, unit: column.unit,
                        comparator: censored.comparator, resource: resource)
                } else {
                    extractor.coded(patient: patientID, slots: columnSlots, time: time, codes: [], text: value, resource: resource)
                }
            case .conditions(let system):
                for text in value.split(separator: ";").map(\.trimmingSpaces) where !text.isEmpty {
                    let code = ClinicalCode(system, text)
                    let matched = index.slots(for: code, in: .condition)
                    if matched.isEmpty {
                        extractor.conditionNotInStudy(code, display: nil)
                        extractor.countNotInStudy()
                    } else {
                        extractor.condition(patient: patientID, slots: matched, time: time, status: .unknown)
                    }
                }
            case .medications(let system):
                for text in value.split(separator: ";").map(\.trimmingSpaces) where !text.isEmpty {
                    let matched = index.slots(for: ClinicalCode(system, text), in: .medication)
                    if matched.isEmpty { extractor.countNotInStudy() } else { extractor.presence(patient: patientID, slots: matched, time: time) }
                }
            default: break
            }
        }
    }

    /// The recoded value: exact text first, then numeric equality ("1.0" matches "1").
    private func recoded(_ text: String, _ values: [String: String]) -> String {
        if let exact = values[text] { return exact }
        if let number = Double(text) {
            for (key, value) in values where Double(key) == number { return value }
        }
        return text
    }
}
