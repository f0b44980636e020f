/// What the model predicts, defined like a feature: by codes, so every site labels alike.
public struct LabelDefinition: Hashable, Sendable {
    public enum Rule: Hashable, Sendable {
        /// 1 when the condition is recorded in `timing` (and, per the definition, verified and
        /// still active at the index date), else 0. The definition names value sets and codes,
        /// read through the study's one-way code maps, so a site coding diagnoses in ICD-10-CM
        /// and one coding them in SNOMED CT label the same patients.
        case condition(ConditionDefinition, timing: ConditionTiming)
        /// 1 when the last observation at or before the index date is above (or at least)
        /// `threshold` in `unit`; patients without one are excluded.
        case observation(codes: [ClinicalCode], unit: String?, threshold: Double, inclusive: Bool)
    }

    public enum ConditionTiming: Hashable, Sendable {
        /// Prevalent: onset at or before the index date.
        case onOrBeforeIndex
        /// Incident: onset after the index date, within `days` when given. A record without any
        /// date never counts: nothing says it came after the index date.
        case afterIndex(days: Int?)
        /// Ever recorded.
        case any
    }

    public var name: String
    public var rule: Rule

    public init(name: String, rule: Rule) {
        self.name = name
        self.rule = rule
    }

    /// The exact codes named (value sets aside).
    public var codes: [ClinicalCode] {
        switch rule {
        case .condition(let condition, _): condition.codes
        case .observation(let codes, _, _, _): codes
        }
    }

    /// The condition, for a condition label.
    public var condition: ConditionDefinition? {
        if case .condition(let condition, _) = rule { return condition }
        return nil
    }
}
