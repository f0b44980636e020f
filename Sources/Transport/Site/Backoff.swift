/// Exponential backoff with full jitter for reconnecting: the first retry comes quickly, a
/// coordinator that is down is not hammered, and sites that lost it together do not all
/// come back in the same instant. Jitter does not touch results, so it uses the system RNG.
public struct Backoff: Sendable {
    public var initial: Double
    public var maximum: Double
    public var multiplier: Double = 2
    private var attempt = 0

    public init(initial: Double, maximum: Double) {
        self.initial = initial
        self.maximum = max(maximum, initial)
    }

    /// Seconds to wait before the next attempt.
    public mutating func next() -> Double {
        let ceiling = min(maximum, initial * pow2(attempt))
        attempt += 1
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    /// After a connection that worked: start over.
    public mutating func reset() { attempt = 0 }

    private func pow2(_ n: Int) -> Double {
        var value = 1.0
        for _ in 0..<min(n, 60) { value *= multiplier }
        return value
    }
}
