/// The one checked conversion of an integer that came from outside the process (a protobuf
/// field, a lane frame header, a SecAgg+ message) into a Swift `Int`.
///
/// `Int(someUInt64)` traps on values above `Int.max`, and a trap in the coordinator ends every
/// site's study, so no wire integer is converted any other way. Each conversion names its
/// field and the range that makes sense for it; a value outside it is refused with both,
/// and the caller refuses the message that carried it (the round goes on without it).
public enum WireInteger {
    /// The largest count a participant may report: rows, samples, examples, training steps,
    /// evaluation counts. 2^40 (about 1.1e12) is far beyond any cohort, and 100,000 sites'
    /// counts summed stay far inside `Int` (sums are never checked again).
    public static let largestCount = 1 << 40

    /// A value outside its field's range (or beyond `Int`), with the field's name.
    public struct OutOfRange: Error, CustomStringConvertible, Sendable, Equatable {
        public let field: String
        /// The value as received, in decimal.
        public let value: String
        public let range: ClosedRange<Int>

        public var description: String {
            "\(field) is \(value), outside the accepted \(range.lowerBound)...\(range.upperBound)"
        }
    }

    /// `value` as an `Int` in `range`, or the refusal naming `field`.
    public static func int<Source: BinaryInteger>(
        _ value: Source, field: String,
        in range: ClosedRange<Int> = 0...Int.max
    ) throws(OutOfRange) -> Int {
        guard let converted = Int(exactly: value), range.contains(converted) else {
            throw OutOfRange(field: field, value: "\(value)", range: range)
        }
        return converted
    }

    /// A count (0 through `largestCount`).
    public static func count<Source: BinaryInteger>(_ value: Source, field: String) throws(OutOfRange) -> Int {
        try int(value, field: field, in: 0...largestCount)
    }
}
