import Federation

/// The coordinator's announcement that opens a round: who takes part, the neighbour graph, the
/// threshold and the quantization. Every client checks it (bounds, threshold, its own place)
/// before generating keys, and derives the same graph from it.
public struct SecAggSetup: Hashable, Sendable, Codable {
    public var round: SecAggRound
    /// Sorted, distinct; a client's participant index is its position here plus one (0 is
    /// never a Shamir evaluation point).
    public var participants: [SiteID]
    /// P, the length of each update (the masked vector has P + 1 words, the last the weight).
    public var parameterCount: Int
    public var shape: GraphShape
    /// t: shares needed to recover a client's secret.
    public var threshold: Int
    /// Labels the Harary graph; public (see `SecAggEntropy`).
    public var graphSeed: UInt64
    public var quantization: SecAggQuantization
    /// Each client scales its update to at most this L2 norm before quantizing (central DP's
    /// clipping, done where the update still exists); nil: no norm clipping.
    public var updateNormBound: Double?

    public init(
        round: SecAggRound, participants: [SiteID], parameterCount: Int, plan: SecAggGraphPlan,
        graphSeed: UInt64, quantization: SecAggQuantization, updateNormBound: Double? = nil
    ) {
        self.init(
            round: round, participants: participants, parameterCount: parameterCount, shape: plan.shape,
            threshold: plan.threshold, graphSeed: graphSeed, quantization: quantization, updateNormBound: updateNormBound)
    }

    public init(
        round: SecAggRound, participants: [SiteID], parameterCount: Int, shape: GraphShape, threshold: Int,
        graphSeed: UInt64, quantization: SecAggQuantization, updateNormBound: Double? = nil
    ) {
        self.updateNormBound = updateNormBound
        self.round = round
        self.participants = participants.sorted()
        self.parameterCount = parameterCount
        self.shape = shape
        self.threshold = threshold
        self.graphSeed = graphSeed
        self.quantization = quantization
    }

    /// The participant index (1-based) of `site`, or nil if it is not taking part.
    public func index(of site: SiteID) -> UInt32? {
        var low = 0
        var high = participants.count
        while low < high {
            let mid = (low + high) / 2
            if participants[mid] < site { low = mid + 1 } else { high = mid }
        }
        return low < participants.count && participants[low] == site ? UInt32(low + 1) : nil
    }

    /// Checks everything both sides rely on and builds the graph: distinct participants, a
    /// threshold that is a majority of every neighbourhood and no larger than it, and
    /// quantization that cannot overflow the modulus.
    func validatedGraph() throws(SecAggError) -> NeighbourGraph {
        guard participants.count >= 2 else { throw .configuration("secure aggregation needs at least 2 participants, got \(participants.count)") }
        guard participants.count < Int(UInt32.max) else { throw .configuration("too many participants") }
        for i in 1..<participants.count where !(participants[i - 1] < participants[i]) {
            throw .configuration(
                participants[i] == participants[i - 1]
                    ? "participant \(participants[i]) is listed twice"
                    : "participants are not sorted")
        }
        guard parameterCount >= 1, parameterCount < Int(UInt32.max) - 1 else {
            throw .configuration("the update length must be in 1..<2^32 - 1, got \(parameterCount)")
        }
        try quantization.checkBounds(participants: participants.count)
        if let bound = updateNormBound, !(bound > 0 && bound.isFinite) {
            throw .configuration("the update norm bound must be positive and finite, got \(bound)")
        }
        let graph = try NeighbourGraph(shape: shape, count: participants.count, seed: graphSeed)
        guard threshold >= 1, threshold <= graph.minimumDegree else {
            throw .configuration("threshold \(threshold) must be in 1...\(graph.minimumDegree), the smallest neighbourhood")
        }
        guard 2 * threshold > graph.maximumDegree else {
            throw .configuration(
                "threshold \(threshold) is not a majority of \(graph.maximumDegree) neighbours, so a coordinator lying about dropouts could collect both secrets of a client"
            )
        }
        return graph
    }
}

extension SecAggSetup: SecAggWireMessage {
    public static var kind: UInt8 { 1 }

    public func serialized() -> [UInt8] {
        var writer = SecAggWire.writer(for: Self.self, capacity: 64 + participants.count * 16)
        writer.write(round.study)
        writer.write(UInt64(truncatingIfNeeded: round.round))
        writer.write(UInt32(participants.count))
        for site in participants { writer.write(site.name) }
        writer.write(UInt64(parameterCount))
        switch shape {
        case .complete:
            writer.write(UInt8(0))
            writer.write(UInt32(0))
        case .harary(let degree):
            writer.write(UInt8(1))
            writer.write(UInt32(clamping: degree))
        }
        writer.write(UInt32(clamping: threshold))
        writer.write(graphSeed)
        writer.write(quantization.clipRange)
        writer.write(UInt64(clamping: quantization.levels))
        switch quantization.weighting {
        case .uniform:
            writer.write(UInt8(0))
            writer.write(UInt64(0))
        case .bySamples(let cap):
            writer.write(UInt8(1))
            writer.write(UInt64(clamping: cap))
        }
        writer.write(UInt8(updateNormBound == nil ? 0 : 1))
        writer.write(updateNormBound ?? 0)
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try SecAggWire.reader(for: Self.self, bytes)
        let round = SecAggRound(study: try reader.readString(), round: try reader.readInt(field: "round"))
        let count = try reader.readCount(elementSize: 4)
        var participants: [SiteID] = []
        participants.reserveCapacity(count)
        for _ in 0..<count { participants.append(SiteID(try reader.readString())) }
        let parameterCount = try reader.readUInt64()
        guard parameterCount < UInt64(UInt32.max) else { throw .malformed("update length \(parameterCount) out of range") }
        let shapeTag = try reader.readUInt8()
        let degree = Int(try reader.readUInt32())
        let shape: GraphShape
        switch shapeTag {
        case 0: shape = .complete
        case 1: shape = .harary(degree: degree)
        default: throw .malformed("unknown graph shape \(shapeTag)")
        }
        let threshold = Int(try reader.readUInt32())
        let graphSeed = try reader.readUInt64()
        let clipRange = try reader.readDouble()
        let levels = try reader.readUInt64()
        guard levels <= UInt64(Int32.max) else { throw .malformed("\(levels) quantization levels out of range") }
        let weightingTag = try reader.readUInt8()
        let cap = try reader.readUInt64()
        guard cap <= UInt64(UInt32.max) else { throw .malformed("weight cap \(cap) out of range") }
        let weighting: SecAggWeighting
        switch weightingTag {
        case 0: weighting = .uniform
        case 1: weighting = .bySamples(cap: Int(cap))
        default: throw .malformed("unknown weighting \(weightingTag)")
        }
        let boundTag = try reader.readUInt8()
        let bound = try reader.readDouble()
        guard boundTag <= 1 else { throw .malformed("unknown norm-bound flag \(boundTag)") }
        try reader.finish()
        self.init(
            round: round, participants: participants, parameterCount: Int(parameterCount), shape: shape,
            threshold: threshold, graphSeed: graphSeed,
            quantization: SecAggQuantization(clipRange: clipRange, levels: Int(levels), weighting: weighting),
            updateNormBound: boundTag == 1 ? bound : nil)
        guard self.participants == participants else { throw .malformed("participants are not sorted") }
    }
}
