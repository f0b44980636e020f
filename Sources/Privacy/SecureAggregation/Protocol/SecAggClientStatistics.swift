/// What a client's masking cost, for benchmarks: the mask stream it expanded and the time
/// that took (key agreement excluded).
public struct SecAggClientStatistics: Hashable, Sendable, Codable {
    /// Bytes of mask stream expanded and added (4 per word per mask).
    public var maskBytes = 0
    public var maskSeconds = 0.0

    public init() {}
}
