import Federation
import Validation

/// The study's clinical validation settings: the operating thresholds and patient groups its
/// `validation_thresholds` and `validation_subgroups` keys name, checked when the study is
/// resolved, so a bad threshold is refused before anything trains rather than after.
extension ResolvedStudy {
    /// The report's settings from the study's keys; `thresholds` and `subgroups` (the report
    /// command's options) replace the keys when given. Errors name the key they concern.
    public func validationSettings(thresholds: [Double]? = nil, subgroups: [String]? = nil) throws(StudyError) -> ValidationSettings {
        let names = subgroups ?? specification.validationSubgroups
        var attributes: [PatientAttribute]?
        if let names {
            attributes = try names.map { (name: String) throws(StudyError) -> PatientAttribute in
                guard let attribute = PatientAttribute(rawValue: name.lowercased()) else {
                    throw StudyError(
                        "validation_subgroups", "unknown patient attribute '\(name)': use \(PatientAttribute.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return attribute
            }
        }
        do {
            return try ValidationSettings(thresholds: thresholds ?? specification.validationThresholds, subgroups: attributes)
        } catch {
            throw StudyError("validation_thresholds", error.message)
        }
    }
}

extension ConfigNode {
    /// A list of numbers, e.g. `[0.2, 0.5]`.
    func doubles() throws -> [Double] {
        try strings().map { text in
            guard let value = Double(text) else {
                throw ConfigError("\(location): '\(key)' must list numbers, e.g. [0.2, 0.5]; got '\(text)'")
            }
            return value
        }
    }
}
