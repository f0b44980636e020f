/// An (ε, δ)-differential-privacy guarantee and the Rényi order that gave it.
///
/// The order is diagnostic: when it is the smallest or largest order tracked, a wider list of
/// orders might give a smaller ε.
public struct PrivacySpent: Sendable, Hashable, Codable {
    public let epsilon: Double
    public let delta: Double
    /// The RDP order α at which the (ε, δ) conversion was tightest.
    public let order: Double

    public init(epsilon: Double, delta: Double, order: Double) {
        self.epsilon = epsilon
        self.delta = delta
        self.order = order
    }
}
