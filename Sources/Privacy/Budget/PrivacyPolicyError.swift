/// Why a privacy policy was refused: the message names the field or file and the rule.
public enum PrivacyPolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidMaxEpsilon(Double, path: String? = nil)
    case invalidDelta(Double, path: String? = nil)
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidMaxEpsilon(let epsilon, let path):
            "\(prefix(path))max_epsilon \(epsilon) must be a finite number above 0"
        case .invalidDelta(let delta, let path):
            "\(prefix(path))delta \(delta) must be in (0, 1); choose one well below 1/(number of patient records)"
        case .unreadable(let path, let reason):
            "cannot read privacy policy \(path): \(reason)"
        case .malformed(let path, let reason):
            "privacy policy \(path): \(reason); expected JSON like {\"max_epsilon\": 8, \"delta\": 1e-5}"
        }
    }

    private func prefix(_ path: String?) -> String { path.map { "privacy policy \($0): " } ?? "" }

    /// The same error, attributed to the file it came from.
    func `in`(_ path: String) -> PrivacyPolicyError {
        switch self {
        case .invalidMaxEpsilon(let value, _): .invalidMaxEpsilon(value, path: path)
        case .invalidDelta(let value, _): .invalidDelta(value, path: path)
        default: self
        }
    }
}
