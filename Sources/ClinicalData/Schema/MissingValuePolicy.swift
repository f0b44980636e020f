/// What a study does with a patient whose feature has no usable value.
public enum MissingValuePolicy: Hashable, Sendable {
    /// Exclude the patient (complete-case analysis, as FLamby prepares the UCI data).
    case dropRow
    /// Fill in the federation's median (numbers) or mode (categories); `indicator` adds a 0/1
    /// column per feature saying the value was filled in, so the model can learn from
    /// missingness itself.
    case impute(indicator: Bool)

    public var name: String {
        switch self {
        case .dropRow: "drop_row"
        case .impute: "impute"
        }
    }
}
