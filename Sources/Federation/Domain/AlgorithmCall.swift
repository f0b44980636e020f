/// What an algorithm asks of a site in one round, in a form every transport and check
/// handles alike: the algorithm's name, its scalar settings (FedProx's `mu`, Lockdown's
/// `rate`), and named vectors (SCAFFOLD's `server_control`). The site's part of the
/// algorithm (`SiteAlgorithm`) reads it; nothing else needs to know what it means.
public struct AlgorithmCall: Hashable, Sendable, Codable {
    public var name: String
    public var parameters: [String: Double]
    public var vectors: [VectorName: [Float]]

    public init(_ name: String, parameters: [String: Double] = [:], vectors: [VectorName: [Float]] = [:]) {
        self.name = name
        self.parameters = parameters
        self.vectors = vectors
    }

    /// Stores a 64-bit seed exactly, as two 32-bit halves (a Double holds 53 bits).
    public mutating func setSeed(_ key: String, _ value: UInt64) {
        parameters["\(key)_high"] = Double(value >> 32)
        parameters["\(key)_low"] = Double(value & 0xFFFF_FFFF)
    }

    /// A seed stored with `setSeed`, or a refusal naming it.
    public func seed(_ key: String) throws(SiteAlgorithmError) -> UInt64 {
        let high = try parameter("\(key)_high"), low = try parameter("\(key)_low")
        guard (0...Double(UInt32.max)).contains(high), (0...Double(UInt32.max)).contains(low), high.rounded() == high, low.rounded() == low else {
            throw .invalidParameter(algorithm: name, key: key, reason: "is not a 64-bit seed")
        }
        return UInt64(high) << 32 | UInt64(low)
    }

    /// A setting the coordinator sent, or a refusal naming it.
    public func parameter(_ key: String) throws(SiteAlgorithmError) -> Double {
        guard let value = parameters[key], value.isFinite else { throw .missingParameter(algorithm: name, key: key) }
        return value
    }
}

/// Why a site could not run the algorithm it was asked to.
public enum SiteAlgorithmError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownAlgorithm(String)
    case missingParameter(algorithm: String, key: String)
    case invalidParameter(algorithm: String, key: String, reason: String)
    case wrongVector(algorithm: String, name: VectorName, expected: Int, got: Int)

    public var description: String {
        switch self {
        case .unknownAlgorithm(let name): "this site does not know algorithm '\(name)' (it runs an older Cohort than the coordinator)"
        case .missingParameter(let algorithm, let key): "\(algorithm) instructions lack the setting '\(key)'"
        case .invalidParameter(let algorithm, let key, let reason): "\(algorithm)'s '\(key)' \(reason)"
        case .wrongVector(let algorithm, let name, let expected, let got):
            "\(algorithm)'s vector '\(name)' has \(got) values, the model \(expected)"
        }
    }
}
