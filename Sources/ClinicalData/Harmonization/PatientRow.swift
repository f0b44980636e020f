/// One patient of the study: a value per feature (in the schema's order and canonical units;
/// a category's position for categorical features; NaN when missing) and the label.
///
/// Patient ids are deliberately not kept: nothing downstream needs them, and a prepared
/// dataset without them is one less identifier to protect.
public struct PatientRow: Sendable, Hashable {
    public var values: [Double]
    /// Per feature, whether the value is a censored result kept at its bound (only features
    /// with `censored: flag` are tracked; empty when none is).
    public var censored: [Bool]
    public var label: Double
    public var place: PatientPlace
    /// The file the patient was read from (for `--split-by file`).
    public var file: String

    public init(values: [Double], label: Double, place: PatientPlace = PatientPlace(), file: String = "", censored: [Bool] = []) {
        self.values = values
        self.censored = censored
        self.label = label
        self.place = place
        self.file = file
    }
}
