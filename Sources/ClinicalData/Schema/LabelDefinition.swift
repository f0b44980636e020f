/// What the model predicts, defined like a feature: by codes, so every site labels alike.
public struct LabelDefinition: Hashable, Sendable {
    public enum Rule: Hashable, Sendable {
        /// 1 when one of the condition codes is recorded in `timing`, else 0. Codes are
        /// expanded through the study's code map (e.g. SNOMED CT 38341003 also matches
        /// ICD-10-CM I10), so a site coding diagnoses in ICD-10-CM labels the same patients.
        case condition(codes: [ClinicalCode], timing: ConditionTiming)
        /// 1 when the last observation at or before the index date is above (or at least)
        /// `threshold` in `unit`; patients without one are excluded.
        case observation(codes: [ClinicalCode], unit: String?, threshold: Double, inclusive: Bool)
    }

    public enum ConditionTiming: Hashable, Sendable {
        /// Prevalent: onset at or before the index date.
        case onOrBeforeIndex
        /// Incident: onset after the index date, within `days` when given.
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

    public var codes: [ClinicalCode] {
        switch rule {
        case .condition(let codes, _), .observation(let codes, _, _, _): codes
        }
    }
}
