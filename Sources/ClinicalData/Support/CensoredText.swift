/// A result written as a bound in a CSV cell (">60", "< 5", ">=90"): FHIR carries the bound in
/// `valueQuantity.comparator`, CSV exports in the text, and either way the value is not known
/// beyond the bound. The comparator goes with the number to the extractor, where the study's
/// `censored:` policy decides.
enum CensoredText {
    /// The comparator and the bound of `text`, nil when it is not a bound.
    static func parse(_ text: String) -> (comparator: String, value: Double)? {
        let trimmed = text.trimmingSpaces
        for comparator in ["<=", ">=", "<", ">"] where trimmed.hasPrefix(comparator) {
            let rest = trimmed.dropFirst(comparator.count).trimmingSpaces
            guard let value = DecimalBytes.parse(Substring(rest)) else { return nil }
            return (comparator, value)
        }
        return nil
    }
}
