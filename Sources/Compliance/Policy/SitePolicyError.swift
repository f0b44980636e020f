/// A policy file that cannot be used, with the line at fault and why.
public struct SitePolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var source: String
    /// 1-based; nil when the problem is the file as a whole.
    public var line: Int?
    public var reason: String

    public init(source: String, line: Int?, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String { line.map { "\(source):\($0): \(reason)" } ?? "\(source): \(reason)" }
}
