/// Receives what the readers find, keeps per patient only the events the study needs, and
/// turns finished patients into rows.
///
/// Readers hand over records already matched to study slots (`StudyIndex`); the extractor
/// converts units, checks plausible ranges, maps categories and counts everything it does for
/// the quality report. Work is staged per file: `commitFile` keeps a file's contribution,
/// `abandonFile` drops it (a bundle that is invalid JSON halfway leaves nothing behind).
public final class CohortExtractor {
    public let index: StudyIndex
    private let finalizer: PatientFinalizer
    private(set) var tally: QualityTally
    private var fileTally: QualityTally
    private var staged: [String: PatientRecord] = [:]
    /// Ids in the order they were first seen, so rows keep the export's order.
    private var stagedOrder: [String] = []
    /// Patients of this file already counted as duplicates: their records are ignored.
    private var ignoredInFile: Set<String> = []
    private var pending: [String: PatientRecord] = [:]
    private var pendingOrder: [String] = []
    private var finalizedIDs: Set<String> = []
    private(set) var rows: [PatientRow] = []
    /// Every patient read but not kept, with why and where they live (so a site cut from the
    /// export gets its own exclusion counts).
    private(set) var excluded: [ExcludedPatient] = []
    private var conversions: [Int32: [String: (Result<UnitConversion, UCUMError>, SlotUnits.Route)]] = [:]
    private let units: [Int32: SlotUnits]
    private(set) var currentFile = ""
    /// Appended to every patient id: benchmark repeats read the same files as new patients.
    public var idSuffix = ""

    public init(study: StudySchema) {
        index = StudyIndex(study: study)
        finalizer = PatientFinalizer(index: index)
        tally = QualityTally(slotCount: study.features.count + 1)
        fileTally = tally
        var units = [Int32: SlotUnits]()
        for (slot, feature) in study.features.enumerated() {
            if let slotUnits = SlotUnits(feature: feature) { units[Int32(slot)] = slotUnits }
        }
        if case .observation(let codes, let unit?, _, _) = study.label.rule, let canonical = try? UCUMUnit(parsing: unit) {
            units[Int32(study.features.count)] = SlotUnits(canonical: canonical, codes: codes, molarMass: nil, valence: nil, named: [:])
        }
        self.units = units
    }

    public var study: StudySchema { index.study }

    // MARK: Files

    public func beginFile(_ path: String, bytes: Int) {
        currentFile = path
        fileTally = QualityTally(slotCount: tally.slots.count)
        fileTally.bytesRead = bytes
        staged.removeAll(keepingCapacity: true)
        stagedOrder.removeAll(keepingCapacity: true)
        ignoredInFile.removeAll(keepingCapacity: true)
    }

    /// Keeps the file's records. With `finalizingPatients` (one bundle per patient), the
    /// patients whose Patient resource was in this file are complete and become rows now,
    /// so memory holds finished rows rather than records.
    public func commitFile(finalizingPatients: Bool) {
        fileTally.filesRead += 1
        tally.merge(fileTally)
        var complete = [String]()
        for id in stagedOrder where !ignoredInFile.contains(id) {
            let record = staged[id]!
            if finalizedIDs.contains(id) {
                tally.record(
                    RecordError(
                        kind: RecordErrorKind.duplicateBundle, file: currentFile, resource: "Patient/\(id)",
                        reason: "records for a patient already read from another bundle; ignored"))
                continue
            }
            if pending[id] == nil {
                pending[id] = record
                pendingOrder.append(id)
            } else {
                pending[id]!.absorb(record)
            }
            if finalizingPatients && record.hasDemographics { complete.append(id) }
        }
        staged.removeAll(keepingCapacity: true)
        stagedOrder.removeAll(keepingCapacity: true)
        for id in complete {
            finalize(pending.removeValue(forKey: id)!)
            finalizedIDs.insert(id)
        }
        if !complete.isEmpty { pendingOrder.removeAll { pending[$0] == nil } }
    }

    /// Drops everything read from the current file and records why.
    public func abandonFile(_ error: RecordError) {
        staged.removeAll(keepingCapacity: true)
        stagedOrder.removeAll(keepingCapacity: true)
        tally.filesFailed += 1
        tally.bytesRead += fileTally.bytesRead
        tally.record(error)
    }

    /// Finalizes every patient still open (exports where a patient spans files: NDJSON, CSV tables).
    public func finish() {
        for id in pendingOrder {
            guard let record = pending[id] else { continue }
            if record.hasDemographics {
                finalize(record)
            } else {
                tally.record(
                    RecordError(
                        kind: RecordErrorKind.orphanRecord, file: record.file, resource: "Patient/\(id)",
                        reason:
                            "\(record.events.count + record.encounters.count) records refer to a patient the export has no Patient resource or row for; skipped"
                    ))
            }
        }
        pending.removeAll()
        pendingOrder.removeAll()
    }

    private func finalize(_ record: PatientRecord) {
        switch finalizer.outcome(for: record) {
        case .kept(let row):
            rows.append(row)
        case .incomplete(let row, let missing):
            excluded.append(ExcludedPatient(reason: .missingValue(feature: missing), place: row.place, file: row.file, row: row))
        case .excluded(let reason):
            excluded.append(ExcludedPatient(reason: reason, place: record.place, file: record.file, row: nil))
        }
    }

    // MARK: Counting

    public func countResource(_ type: String) {
        fileTally.resourcesByType[type, default: 0] += 1
    }

    public func countRow() { fileTally.rowsRead += 1 }

    /// Bytes of the current file, once read (throughput and the report's size).
    public func countBytes(_ bytes: Int) { fileTally.bytesRead += bytes }

    public func countNotInStudy() { fileTally.recordsNotInStudy += 1 }

    public func countUnusedColumn(_ column: String, code: String) { fileTally.unusedColumns[column] = code }

    public func report(_ error: RecordError) { fileTally.record(error) }

    public func report(kind: String, resource: @autoclosure () -> String, reason: @autoclosure () -> String) {
        fileTally.record(RecordError(kind: kind, file: currentFile, resource: resource(), reason: reason()))
    }

    // MARK: Patients

    private func key(_ id: String) -> String { idSuffix.isEmpty ? id : id + idSuffix }

    /// A Patient resource or row. Returns false when it is a duplicate (its records will be ignored).
    @discardableResult
    public func patient(id rawID: String, birthDate: CivilDate?, sex: String?, death: Int64?, place: PatientPlace) -> Bool {
        let id = key(rawID)
        fileTally.patientsRead += 1
        if finalizedIDs.contains(id) || staged[id]?.hasDemographics == true || pending[id]?.hasDemographics == true {
            excluded.append(ExcludedPatient(reason: .duplicate, place: place, file: currentFile, row: nil))
            // A patient finished in an earlier bundle: this bundle's copy is ignored whole.
            if finalizedIDs.contains(id) { ignoredInFile.insert(id) }
            return false
        }
        if staged[id] == nil { stagedOrder.append(id) }
        var record = staged[id] ?? PatientRecord(id: id, file: currentFile)
        record.hasDemographics = true
        record.file = currentFile
        record.birthDate = birthDate
        record.death = death
        record.place = place
        if let sex { record.sex = sexCategory(sex) }
        staged[id] = record
        return true
    }

    /// The position of `text` among the sex feature's categories, if the study has one.
    private func sexCategory(_ text: String) -> Int? {
        guard let slot = index.sexSlot else { return nil }
        return category(of: study.features[Int(slot)], codes: [], text: text)
    }

    private func withRecord(_ rawID: String, _ body: (inout PatientRecord) -> Void) {
        let id = key(rawID)
        if staged[id] == nil {
            staged[id] = PatientRecord(id: id, file: currentFile)
            stagedOrder.append(id)
        }
        body(&staged[id]!)
    }

    public func encounter(patient: String, time: Int64) {
        withRecord(patient) { record in
            record.encounters.append(time)
            record.noteTime(time)
        }
    }

    /// A dated record that feeds no slot but counts as history (e.g. any Observation).
    public func activity(patient: String, time: Int64) {
        withRecord(patient) { $0.noteTime(time) }
    }

    /// A measured value for `slots`, in `unit` (nil: none given). `comparator` ("<", "<=",
    /// ">=", ">") marks a censored result, which each feature's `censored` policy drops or keeps.
    public func quantity(
        patient: String, slots: [Int32], time: Int64, value: Double, unit: String?,
        comparator: String? = nil, resource: @autoclosure () -> String
    ) {
        for slot in slots {
            fileTally.slots[Int(slot)].records += 1
            guard value.isFinite else {
                report(kind: RecordErrorKind.malformedValue, resource: resource(), reason: "\(index.name(of: slot)) value is not a finite number")
                continue
            }
            if let feature = index.feature(slot), feature.isCategorical {
                // A number for a categorical feature: match it against the categories' values.
                addCategory(patient: patient, slot: slot, feature: feature, codes: [], text: nil, number: value, time: time, resource: resource())
                continue
            }
            let censored = comparator.map { ["<", "<=", ">", ">="].contains($0) } ?? false
            if censored, (index.feature(slot)?.censored ?? .drop) == .drop {
                fileTally.slots[Int(slot)].censoredDropped += 1
                continue
            }
            guard let converted = convert(value, unit: unit, slot: slot, resource: resource()) else { continue }
            if censored { fileTally.slots[Int(slot)].censoredKept += 1 }
            add(patient: patient, slot: slot, time: time, value: converted, censored: censored)
        }
    }

    /// A coded or textual value (smoking status, "Never smoker") for categorical `slots`.
    public func coded(
        patient: String, slots: [Int32], time: Int64, codes: [ClinicalCode], text: String?,
        resource: @autoclosure () -> String
    ) {
        for slot in slots {
            fileTally.slots[Int(slot)].records += 1
            guard let feature = index.feature(slot), feature.isCategorical else {
                // A label or quantity given as text: try it as a number.
                if let text, let number = DecimalBytes.parse(Substring(text)) {
                    guard let converted = convert(number, unit: nil, slot: slot, resource: resource()) else { continue }
                    add(patient: patient, slot: slot, time: time, value: converted)
                } else {
                    report(
                        kind: RecordErrorKind.malformedValue, resource: resource(),
                        reason: "\(index.name(of: slot)) expects a number, got \(text.map { "'\($0)'" } ?? "a coded value")")
                }
                continue
            }
            addCategory(patient: patient, slot: slot, feature: feature, codes: codes, text: text, number: nil, time: time, resource: resource())
        }
    }

    /// A condition or medication record (present at `time`) for `slots`.
    /// A record that feeds `slots` by being there (a prescription).
    public func presence(patient: String, slots: [Int32], time: Int64) {
        for slot in slots {
            fileTally.slots[Int(slot)].records += 1
            add(patient: patient, slot: slot, time: time, value: 1)
        }
    }

    /// A diagnosis for condition `slots`, kept where the slot's definition accepts its
    /// verification status (counted otherwise). The event carries when it abated (see
    /// `ConditionRecordStatus.eventValue`), for studies that ask whether it is active at the index date.
    func condition(patient: String, slots: [Int32], time: Int64, status: ConditionRecordStatus) {
        for slot in slots {
            fileTally.slots[Int(slot)].records += 1
            guard index.condition(slot)?.verification.contains(status.verification) ?? true else {
                fileTally.slots[Int(slot)].notVerified += 1
                continue
            }
            add(patient: patient, slot: slot, time: time, value: status.eventValue)
        }
    }

    /// A condition code the study does not use, kept (counted, with its display text) so the
    /// report can list codes that look related to a study condition but are not in its value sets.
    public func conditionNotInStudy(_ code: ClinicalCode, display: String?) {
        fileTally.conditionsNotInStudy[code, default: QualityTally.SeenCode(records: 0, display: display)].records += 1
    }

    /// Sex given as a column or field value after the Patient was created (generic CSV).
    public func sex(patient: String, text: String, resource: @autoclosure () -> String) {
        guard let slot = index.sexSlot else { return }
        fileTally.slots[Int(slot)].records += 1
        guard let category = sexCategory(text) else {
            fileTally.slots[Int(slot)].unknownCategories += 1
            report(
                kind: RecordErrorKind.unknownCategory, resource: resource(),
                reason: "sex '\(text)' is not one of \(study.features[Int(slot)].categories.map(\.name).joined(separator: ", "))")
            return
        }
        withRecord(patient) { $0.sex = category }
    }

    private func add(patient: String, slot: Int32, time: Int64, value: Double, censored: Bool = false) {
        withRecord(patient) { record in
            record.events.append(ClinicalEvent(slot: slot, censored: censored, time: time, value: value))
            record.noteTime(time)
        }
    }

    private func addCategory(
        patient: String, slot: Int32, feature: FeatureDefinition, codes: [ClinicalCode], text: String?,
        number: Double?, time: Int64, resource: @autoclosure () -> String
    ) {
        let position =
            number.flatMap { value in feature.categories.firstIndex { $0.value == value } }
            ?? category(of: feature, codes: codes, text: text)
        guard let position else {
            fileTally.slots[Int(slot)].unknownCategories += 1
            let shown = text ?? number.map { "\($0)" } ?? codes.map(\.description).joined(separator: ", ")
            report(
                kind: RecordErrorKind.unknownCategory, resource: resource(),
                reason:
                    "\(feature.name) value '\(shown)' is not one of \(feature.categories.map(\.name).joined(separator: ", ")); add it to the study's categories if it belongs"
            )
            return
        }
        add(patient: patient, slot: slot, time: time, value: Double(position))
    }

    /// Category by code, then by text (case-insensitive, names included), then by number.
    private func category(of feature: FeatureDefinition, codes: [ClinicalCode], text: String?) -> Int? {
        for code in codes {
            if let found = feature.categories.firstIndex(where: { $0.codes.contains(code) }) { return found }
        }
        guard let text = text?.trimmingSpaces, !text.isEmpty else { return nil }
        let lowered = text.lowercased()
        if let found = feature.categories.firstIndex(where: { $0.name.lowercased() == lowered || $0.texts.contains { $0.lowercased() == lowered } }) {
            return found
        }
        if let number = Double(text) { return feature.categories.firstIndex { $0.value == number } }
        return nil
    }

    /// The value in the slot's canonical unit after the plausibility check, or nil (counted) when
    /// the unit cannot be converted or the value is implausible and the policy discards it.
    private func convert(_ value: Double, unit: String?, slot: Int32, resource: @autoclosure () -> String) -> Double? {
        var converted = value
        if let slotUnits = units[slot] {
            let given = unit.map(\.trimmingSpaces) ?? ""
            let unitText = given.isEmpty ? "1" : given
            var cache = conversions[slot] ?? [:]
            let resolution: (Result<UnitConversion, UCUMError>, SlotUnits.Route)
            if let cached = cache[unitText] {
                resolution = cached
            } else {
                resolution = slotUnits.resolve(unitText)
                cache[unitText] = resolution
                conversions[slot] = cache
            }
            switch resolution {
            case (.success(let conversion), let route):
                switch route {
                case .acceptedMislabel: fileTally.slots[Int(slot)].acceptedMislabels[unitText, default: 0] += 1
                case .synonym, .named: fileTally.slots[Int(slot)].convertedFrom[unitText, default: 0] += 1
                case .asWritten: if !conversion.isIdentity { fileTally.slots[Int(slot)].convertedFrom[unitText, default: 0] += 1 }
                }
                converted = conversion.convert(value)
            case (.failure(let error), _):
                fileTally.slots[Int(slot)].rejectedUnits[unitText, default: 0] += 1
                let reason =
                    given.isEmpty
                    ? "\(index.name(of: slot)) has no unit; expected \(slotUnits.canonical.text) or a unit convertible to it"
                    : "\(index.name(of: slot)) in \(error.description); expected \(slotUnits.canonical.text)"
                report(kind: RecordErrorKind.unknownUnit, resource: resource(), reason: reason)
                return nil
            }
        }
        if let feature = index.feature(slot), let range = feature.plausible, !range.contains(converted) {
            fileTally.slots[Int(slot)].outOfRange += 1
            if feature.outOfRange == .missing {
                fileTally.slots[Int(slot)].outOfRangeDiscarded += 1
                return nil
            }
        }
        return converted
    }
}
