import Testing

/// Expects `actual` (Cohort, Float) to match `expected` (a float64 reference) entry by entry:
/// `|a - e| <= relative * |e| + relative * floor * max|e| + absolute`. The floor term covers
/// entries that cancel to almost nothing, whose Float rounding is set by the size of the terms
/// that cancelled (about the size of the largest entry), not by their own size; `absolute`
/// covers values below Float's normal range.
func expectClose(
    _ actual: [Float], _ expected: [Double], relative: Double = 1e-4, floor: Double = 0.1,
    absolute: Double = 0, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.count == expected.count, "\(label): \(actual.count) values, expected \(expected.count)",
        sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    let scale = expected.map(abs).max() ?? 0
    var failures: [String] = []
    for i in expected.indices {
        let a = Double(actual[i]), e = expected[i]
        if !(abs(a - e) <= relative * abs(e) + relative * floor * scale + absolute) {
            failures.append("[\(i)] \(a) vs \(e)")
        }
    }
    #expect(
        failures.isEmpty, "\(label): \(failures.count) of \(expected.count) differ: \(failures.prefix(6).joined(separator: "; "))",
        sourceLocation: sourceLocation)
}

/// The scalar form: `|a - e| <= relative * max(|e|, floor)`.
func expectClose(
    _ actual: Double, _ expected: Double, relative: Double = 1e-4, floor: Double = 0,
    _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        abs(actual - expected) <= relative * max(abs(expected), floor), "\(label): \(actual) vs \(expected)",
        sourceLocation: sourceLocation)
}
