/// The study turned into lookup tables a reader consults for every record: which features
/// (slots) a code feeds, for each kind of record.
///
/// Slot `i` is feature `i`; `labelSlot` is the label. A code may feed several slots (the last
/// and the mean systolic pressure both read LOINC 8480-6).
public struct StudyIndex: Sendable {
    public enum RecordKind: Sendable {
        case observation, condition, medication
    }

    public let study: StudySchema
    public let labelSlot: Int32
    private var observations: [ClinicalCode: [Int32]] = [:]
    private var conditions: [ClinicalCode: [Int32]] = [:]
    private var medications: [ClinicalCode: [Int32]] = [:]
    /// The code systems the study uses, so a reader can drop codings of other systems before
    /// building any string.
    public private(set) var systems: [CodeSystem] = []
    /// Slot of the age and sex features, when the study has them.
    public let ageSlot: Int32?
    public let sexSlot: Int32?
    /// Slots of `encounters` features.
    public let encounterSlots: [Int32]

    public init(study: StudySchema) {
        self.study = study
        labelSlot = Int32(study.features.count)
        ageSlot = study.features.firstIndex { $0.kind == .age }.map(Int32.init)
        sexSlot = study.features.firstIndex { $0.kind == .sex }.map(Int32.init)
        encounterSlots = study.features.indices.filter { study.features[$0].kind == .encounters }.map(Int32.init)
        for (slot, feature) in study.features.enumerated() {
            for code in feature.codes {
                switch feature.kind {
                case .quantity, .category: observations[code, default: []].append(Int32(slot))
                case .condition: conditions[code, default: []].append(Int32(slot))
                case .medication: medications[code, default: []].append(Int32(slot))
                case .age, .sex, .encounters: break
                }
            }
            for category in feature.categories {
                for code in category.codes where !systems.contains(code.system) { systems.append(code.system) }
            }
        }
        switch study.label.rule {
        case .condition(let codes, _):
            for code in codes { conditions[code, default: []].append(labelSlot) }
        case .observation(let codes, _, _, _):
            for code in codes { observations[code, default: []].append(labelSlot) }
        }
        for code in observations.keys.map(\.system) + conditions.keys.map(\.system) + medications.keys.map(\.system)
        where !systems.contains(code) {
            systems.append(code)
        }
    }

    /// The slots `code` feeds in records of `kind` (empty: not in the study).
    public func slots(for code: ClinicalCode, in kind: RecordKind) -> [Int32] {
        switch kind {
        case .observation: observations[code] ?? []
        case .condition: conditions[code] ?? []
        case .medication: medications[code] ?? []
        }
    }

    /// Every code the study reads from records of `kind`.
    public func codes(in kind: RecordKind) -> Set<ClinicalCode> {
        switch kind {
        case .observation: Set(observations.keys)
        case .condition: Set(conditions.keys)
        case .medication: Set(medications.keys)
        }
    }

    /// The feature of `slot`, nil for the label.
    public func feature(_ slot: Int32) -> FeatureDefinition? {
        slot < labelSlot ? study.features[Int(slot)] : nil
    }

    /// The name used in reports: the feature's name or the label's.
    public func name(of slot: Int32) -> String {
        feature(slot)?.name ?? study.label.name
    }
}
