/// A client's quantized update: P two's-complement coordinates and its weight, in Z_{2^32}.
/// It never leaves the client unmasked.
public struct QuantizedUpdate: Hashable, Sendable {
    /// P coordinates, then the weight.
    public internal(set) var values: [UInt32]
    /// The scheme whose `quantize` made it (so it is within that scheme's levels and weight
    /// cap by construction); nil for a vector built elsewhere, which is checked before masking.
    var scheme: SecAggQuantization?

    public init(values: [UInt32]) { self.values = values }

    init(values: [UInt32], scheme: SecAggQuantization) {
        self.values = values
        self.scheme = scheme
    }

    public var parameterCount: Int { values.count - 1 }
    public var weight: UInt32 { values[values.count - 1] }

    public static func == (lhs: QuantizedUpdate, rhs: QuantizedUpdate) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
}
