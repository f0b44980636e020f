/// A study that cannot run as written, with the setting it concerns, so the simulator and the
/// coordinator say the same thing about the same study.
public struct StudyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The study key the problem is about (`local_steps`), or nil for a combination.
    public var key: String?
    public var message: String

    public init(_ key: String?, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { message }
}
