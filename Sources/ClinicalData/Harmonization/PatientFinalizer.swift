/// Turns everything read about one patient into a study row, or the reason they are excluded:
/// the index date, the cohort criteria, each feature's aggregation, and the label.
struct PatientFinalizer {
    let index: StudyIndex
    private var study: StudySchema { index.study }

    /// What happened to a patient, with the feature values computed before any complete-case
    /// exclusion (so the report can count missingness among eligible patients).
    enum Outcome {
        case kept(PatientRow)
        /// Passed the cohort criteria and has a label, but misses a feature in a complete-case study.
        case incomplete(PatientRow, missing: String)
        case excluded(ExclusionReason)
    }

    func outcome(for record: PatientRecord) -> Outcome {
        guard record.hasDemographics else { return .excluded(.noDemographics) }

        // Index date. Undated extracts (one row per patient) have no dates at all: every value is current.
        let indexInstant: Int64
        switch study.indexDate {
        // The whole index day in the study's zone: a value at 15:00 that day counts like one dated that day.
        case .fixed(let date): indexInstant = study.timeZone.end(of: date)
        case .lastEncounter:
            guard let last = record.encounters.max() else { return .excluded(.noIndexDate) }
            indexInstant = last
        case .lastRecord: indexInstant = record.lastDated ?? Int64.max
        }
        let undated = indexInstant == Int64.max

        // Age: from a mapped age value, else from the birth date.
        var age: Double?
        if let slot = index.ageSlot, let value = last(of: slot, in: record, before: indexInstant, window: nil) {
            age = value
        } else if let birth = record.birthDate, !undated {
            let indexDate = study.timeZone.date(of: indexInstant)
            if indexDate < birth { return .excluded(.bornAfterIndex) }
            age = Double(indexDate.completedYears(since: birth))
        }
        // Without an age, age criteria cannot be judged; an age feature alone is just missing.
        if age == nil, study.cohort.minimumAge != nil || study.cohort.maximumAge != nil { return .excluded(.noBirthDate) }
        if study.cohort.aliveAtIndex, let death = record.death, death < indexInstant { return .excluded(.diedBeforeIndex) }
        if let minimum = study.cohort.minimumAge, let age, age < Double(minimum) { return .excluded(.youngerThan(minimum)) }
        if let maximum = study.cohort.maximumAge, let age, age > Double(maximum) { return .excluded(.olderThan(maximum)) }
        if let days = study.cohort.minimumHistoryDays {
            guard let first = record.firstDated, !undated, (indexInstant - first) / 86_400 >= Int64(days) else {
                return .excluded(.shortHistory(days: days))
            }
        }

        guard let label = label(of: record, index: indexInstant) else { return .excluded(.labelMissing) }

        var values = [Double](repeating: .nan, count: study.features.count)
        var censored = [Bool](repeating: false, count: study.features.contains(where: \.flagsCensoring) ? study.features.count : 0)
        for (slot, feature) in study.features.enumerated() {
            let window = feature.windowDays.map { Int64($0) * 86_400 }
            switch feature.kind {
            case .age: values[slot] = age ?? .nan
            case .sex: values[slot] = record.sex.map(Double.init) ?? .nan
            case .encounters:
                let from = window.map { indexInstant &- $0 } ?? Int64.min
                let count = record.encounters.reduce(0) { $0 + ($1 <= indexInstant && $1 >= from ? 1 : 0) }
                values[slot] = feature.aggregation == .present ? (count > 0 ? 1 : 0) : Double(count)
            case .quantity, .category, .condition, .medication:
                let result = aggregate(Int32(slot), feature.aggregation, in: record, before: indexInstant, window: window)
                values[slot] = result.value
                if feature.flagsCensoring { censored[slot] = result.censored }
            }
        }
        let row = PatientRow(values: values, label: label, place: record.place, file: record.file, censored: censored)
        if study.missingValues == .dropRow, let missing = values.firstIndex(where: \.isNaN) {
            return .incomplete(row, missing: study.features[missing].name)
        }
        return .kept(row)
    }

    private func inWindow(_ event: ClinicalEvent, before index: Int64, window: Int64?) -> Bool {
        guard event.time != ClinicalEvent.undated else { return true }
        guard event.time <= index else { return false }
        if let window { return event.time >= index &- window }
        return true
    }

    /// The most recent value of `slot` at or before the index date; among records of the same
    /// time, the one read last.
    private func last(of slot: Int32, in record: PatientRecord, before index: Int64, window: Int64?) -> Double? {
        lastEvent(of: slot, in: record, before: index, window: window)?.value
    }

    private func lastEvent(of slot: Int32, in record: PatientRecord, before index: Int64, window: Int64?) -> ClinicalEvent? {
        var best: ClinicalEvent?
        for event in record.events where event.slot == slot && inWindow(event, before: index, window: window) {
            if best == nil || event.time >= best!.time { best = event }
        }
        return best
    }

    /// Whether a condition event still holds at the index date: not abated at or before it (its
    /// value is the abatement instant; -infinity: ended at an unknown time).
    private func activeAt(_ index: Int64, _ event: ClinicalEvent) -> Bool {
        event.value > Double(index)
    }

    /// The feature's value, and whether it rests on a censored result (the last one; for a
    /// mean, any; for a minimum or maximum, the one chosen).
    private func aggregate(
        _ slot: Int32, _ aggregation: Aggregation, in record: PatientRecord, before index: Int64,
        window: Int64?
    ) -> (value: Double, censored: Bool) {
        if aggregation == .last {
            let event = lastEvent(of: slot, in: record, before: index, window: window)
            return (event?.value ?? .nan, event?.censored ?? false)
        }
        let activeOnly = self.index.condition(slot)?.status == .activeAtIndex
        var count = 0
        var sum = 0.0
        var anyCensored = false
        var minimum: ClinicalEvent?
        var maximum: ClinicalEvent?
        for event in record.events where event.slot == slot && inWindow(event, before: index, window: window) {
            if activeOnly, !activeAt(index, event) { continue }
            count += 1
            sum += event.value
            anyCensored = anyCensored || event.censored
            if minimum.map({ event.value < $0.value }) ?? true { minimum = event }
            if maximum.map({ event.value > $0.value }) ?? true { maximum = event }
        }
        switch aggregation {
        case .count: return (Double(count), false)
        case .present: return (count > 0 ? 1 : 0, false)
        case .mean: return (count > 0 ? sum / Double(count) : .nan, anyCensored)
        case .min: return (minimum?.value ?? .nan, minimum?.censored ?? false)
        case .max: return (maximum?.value ?? .nan, maximum?.censored ?? false)
        case .last: return (.nan, false)
        }
    }

    private func label(of record: PatientRecord, index: Int64) -> Double? {
        switch study.label.rule {
        case .condition(let condition, let timing):
            let found = record.events.contains { event in
                guard event.slot == self.index.labelSlot else { return false }
                if condition.status == .activeAtIndex, !activeAt(index, event) { return false }
                switch timing {
                case .onOrBeforeIndex:
                    // Undated records (one-row extracts) describe the patient as they are: before the index.
                    return event.time == ClinicalEvent.undated || event.time <= index
                case .afterIndex(let days):
                    // Never an undated record: nothing says it came after the index date.
                    guard event.time != ClinicalEvent.undated else { return false }
                    return event.time > index && (days.map { event.time <= index &+ Int64($0) * 86_400 } ?? true)
                case .any: return true
                }
            }
            return found ? 1 : 0
        case .observation(_, _, let threshold, let inclusive):
            guard let value = last(of: self.index.labelSlot, in: record, before: index, window: nil) else { return nil }
            return (inclusive ? value >= threshold : value > threshold) ? 1 : 0
        }
    }
}
