import Studies

/// Exponential backoff with full jitter for reconnecting: the first retry comes quickly, a
/// coordinator that is down is not hammered, and sites that lost it together do not all
/// come back in the same instant. Jitter does not touch results, so it uses the system RNG.
package struct Backoff: Sendable {
    public var initial: Double
    public var maximum: Double
    public var multiplier: Double = 2
    private var attempt = 0

    /// Delays are bounded to 0 through `ConfigNode.longestSeconds` (30 days) whatever the
    /// caller passes: the agent sleeps for the delay in milliseconds of an `Int64`, which an
    /// absurd value (1e300) would overflow with a trap.
    public init(initial: Double, maximum: Double) {
        self.initial = Self.bounded(initial)
        self.maximum = max(Self.bounded(maximum), self.initial)
    }

    private static func bounded(_ seconds: Double) -> Double {
        guard seconds.isFinite else { return seconds > 0 ? ConfigNode.longestSeconds : 0 }
        return min(max(seconds, 0), ConfigNode.longestSeconds)
    }

    /// Seconds to wait before the next attempt.
    public mutating func next() -> Double {
        let ceiling = min(maximum, Self.bounded(initial * pow2(attempt)))
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
