/// What a site contributes to a secure sum: its update (local minus global parameters) and
/// its training examples (FedAvg's weight).
public struct SecAggInput: Sendable {
    public var update: [Float]
    public var sampleCount: Int

    public init(update: [Float], sampleCount: Int) {
        self.update = update
        self.sampleCount = sampleCount
    }
}
