import Learning

/// What a site carries between rounds, for its own checkpoints: its place in the data, the
/// random streams it has advanced, its algorithm's own state (SCAFFOLD's control variate,
/// Lockdown's subspace), and its last
/// answer, so a restarted site, or a coordinator that asks again after its own crash, gets
/// exactly the update it would have got the first time.
public struct SiteState: Sendable, Codable {
    public var sampler: BatchSampler?
    public var poissonSampler: PoissonSampler?
    public var algorithm: SiteAlgorithmState?
    public var calibratedNoise: [String: Double]
    public var dropoutGenerator: SeededGenerator
    package var lastAnswer: CachedAnswer?

    /// The last update sent, with the request it answered.
    package struct CachedAnswer: Sendable, Codable {
        public var study: String
        public var round: Int
        public var requestDigest: UInt64
        public var update: SiteUpdate
    }
}

/// FNV-1a over a training request's bound fields and global parameters: equal digests, the
/// same question.
func digest(of request: TrainingRequest) -> UInt64 {
    var hash = stableHash(
        "\(request.study)|\(request.round)|\(request.instructions.localSteps)|\(request.instructions.batchSize)"
            + (request.sealed ? "|sealed" : ""))
    for value in request.globalParameters {
        var bits = value.bitPattern
        for _ in 0..<4 {
            hash ^= UInt64(bits & 0xFF)
            hash &*= 0x0000_0100_0000_01B3
            bits >>= 8
        }
    }
    return hash
}
