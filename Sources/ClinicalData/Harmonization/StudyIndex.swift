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
    /// Condition slots with their definitions: a code matches by value set or one-way map, not
    /// only by equality, so conditions are tested rather than looked up.
    private var conditions: [(slot: Int32, definition: ConditionDefinition)] = []
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
                case .condition: break
                case .medication: medications[code, default: []].append(Int32(slot))
                case .age, .sex, .encounters: break
                }
            }
            if let condition = feature.condition { conditions.append((Int32(slot), condition)) }
            for category in feature.categories {
                for code in category.codes where !systems.contains(code.system) { systems.append(code.system) }
            }
        }
        switch study.label.rule {
        case .condition(let condition, _):
            conditions.append((labelSlot, condition))
        case .observation(let codes, _, _, _):
            for code in codes { observations[code, default: []].append(labelSlot) }
        }
        let conditionSystems = conditions.isEmpty ? [] : conditions.flatMap(\.definition.systems) + study.codeMap.sourceSystems
        for code in observations.keys.map(\.system) + conditionSystems + medications.keys.map(\.system)
        where !systems.contains(code) {
            systems.append(code)
        }
    }

    /// The slots `code` feeds in records of `kind` (empty: not in the study).
    public func slots(for code: ClinicalCode, in kind: RecordKind) -> [Int32] {
        switch kind {
        case .observation: observations[code] ?? []
        case .condition: conditions.filter { $0.definition.matches(code, map: study.codeMap) }.map(\.slot)
        case .medication: medications[code] ?? []
        }
    }

    /// The definition of a condition slot (a condition feature or label), nil otherwise.
    public func condition(_ slot: Int32) -> ConditionDefinition? {
        conditions.first { $0.slot == slot }?.definition
    }

    /// The condition slots with their definitions.
    public var conditionSlots: [(slot: Int32, definition: ConditionDefinition)] { conditions }

    /// The feature of `slot`, nil for the label.
    public func feature(_ slot: Int32) -> FeatureDefinition? {
        slot < labelSlot ? study.features[Int(slot)] : nil
    }

    /// The name used in reports: the feature's name or the label's.
    public func name(of slot: Int32) -> String {
        feature(slot)?.name ?? study.label.name
    }
}
