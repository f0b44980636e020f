/// A record (or file) that was skipped, with where it was and why. Reports list them so a
/// site can fix its export; none of them stops a run.
public struct RecordError: Hashable, Sendable, Codable {
    /// What kind of problem, for counting: "invalid JSON", "unknown unit", ...
    public var kind: String
    public var file: String
    /// The resource (`Observation/5f3c...`, `entry 12`) or CSV line (`line 40`).
    public var resource: String
    public var reason: String

    public init(kind: String, file: String, resource: String, reason: String) {
        self.kind = kind
        self.file = file
        self.resource = resource
        self.reason = reason
    }

    /// One line: "file, resource: reason".
    public var line: String { "\(file), \(resource): \(reason)" }
}

/// The kinds of `RecordError`, named once so reports count them consistently.
public enum RecordErrorKind {
    public static let invalidJSON = "invalid JSON"
    public static let notFHIRR4 = "not FHIR R4"
    public static let unreadableFile = "unreadable file"
    public static let unknownUnit = "unknown or unconvertible unit"
    public static let malformedValue = "malformed value"
    public static let unknownCategory = "value not among the feature's categories"
    public static let badDate = "unreadable date"
    public static let missingColumn = "missing mapped column"
    public static let wrongColumnCount = "wrong number of columns"
    public static let orphanRecord = "record without its patient"
    public static let duplicateBundle = "patient in more than one bundle"
}
