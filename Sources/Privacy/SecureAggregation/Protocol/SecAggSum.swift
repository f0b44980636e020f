import Federation

/// What a secure-aggregation round reveals to the coordinator: the sum of the surviving
/// clients' quantized updates (exact, in Z_{2^32}), the sum of their weights, and who they are.
public struct SecAggSum: Hashable, Sendable {
    public var round: SecAggRound
    /// sum_i q_ij mod 2^32 for j < P; read as signed 32-bit (the bounds guarantee no wrap).
    public var values: [UInt32]
    /// sum_i w_i: the clients' capped sample counts (or their number, for uniform weighting).
    public var totalWeight: UInt32
    /// Clients whose updates are in the sum (Bonawitz et al.'s U3).
    public var contributors: [SiteID]
    /// Clients that shared keys but sent no masked input; their masks were removed.
    public var dropped: [SiteID]
    public var quantization: SecAggQuantization

    public init(
        round: SecAggRound, values: [UInt32], totalWeight: UInt32, contributors: [SiteID], dropped: [SiteID],
        quantization: SecAggQuantization
    ) {
        self.round = round
        self.values = values
        self.totalWeight = totalWeight
        self.contributors = contributors
        self.dropped = dropped
        self.quantization = quantization
    }

    /// The integer sum of coordinate j.
    public func signedSum(at j: Int) -> Int32 { Int32(bitPattern: values[j]) }

    /// sum_i (w_i / W) clip(x_i), dequantized: the weighted sum in units of the weight cap.
    public func scaledSum() -> [Double] {
        let step = quantization.step
        return values.map { Double(Int32(bitPattern: $0)) * step }
    }

    /// FedAvg's weighted mean sum_i w_i clip(x_i) / sum_i w_i, from the sums alone.
    public func weightedMean() -> [Float] {
        guard totalWeight > 0 else { return [Float](repeating: 0, count: values.count) }
        let factor = quantization.step * Double(quantization.weighting.cap) / Double(totalWeight)
        return values.map { Float(Double(Int32(bitPattern: $0)) * factor) }
    }

    /// The largest error of `weightedMean()` against the exact weighted mean of the clipped
    /// updates: under one level per contributor, scaled. Stochastic rounding is unbiased, so the
    /// typical error is about sqrt(n) / 2 levels rather than n.
    public var meanErrorBound: Double {
        guard totalWeight > 0 else { return 0 }
        return quantization.step * Double(quantization.weighting.cap) * Double(contributors.count) / Double(totalWeight)
    }
}

extension SecAggSum {
    /// The round's result as the coordinator's strategies take it: the weighted mean change and
    /// who contributed. The training loss is not part of the secure sum; pass it if known.
    public func roundAggregate(meanTrainingLoss: Double = 0) -> RoundAggregate {
        RoundAggregate(
            meanDelta: weightedMean(), contributors: contributors, totalSamples: Int(totalWeight),
            meanTrainingLoss: meanTrainingLoss)
    }
}
