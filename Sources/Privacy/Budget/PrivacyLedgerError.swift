/// Why a privacy ledger cannot be opened, read or appended to. Each message names the file
/// and says what the operator can do; none of these is ever resolved by editing the file
/// automatically.
public enum PrivacyLedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case alreadyExists(path: String)
    /// Another budget (in this or another process) holds the file open for writing.
    case inUse(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    /// No header line: the file is empty.
    case empty(path: String)
    case notALedger(path: String, reason: String)
    case wrongSite(path: String, expected: String, found: String)
    /// The last line has no newline: an append was cut short (a crash, a full disk).
    case tornFinalLine(path: String, line: Int, byteOffset: Int, byteCount: Int)
    case malformedLine(path: String, line: Int, reason: String)
    case outOfSequence(path: String, line: Int, expected: Int, found: Int)
    /// The file's size is not what this budget wrote: someone else changed it.
    case changedOnDisk(path: String, expectedBytes: Int, actualBytes: Int)

    public var description: String {
        switch self {
        case .missing(let path):
            "privacy ledger \(path) does not exist; create it when the site first joins a DP study (a missing ledger is never treated as an empty one)"
        case .alreadyExists(let path):
            "privacy ledger \(path) already exists; open it instead of creating a new one (its rounds still count)"
        case .inUse(let path):
            "privacy ledger \(path) is open for writing elsewhere; a site has one budget, shared by all its studies"
        case .unreadable(let path, let reason):
            "cannot read privacy ledger \(path): \(reason)"
        case .unwritable(let path, let reason):
            "cannot write privacy ledger \(path): \(reason)"
        case .empty(let path):
            "privacy ledger \(path) is empty (no header line); it was probably cut short while being created; if no DP round ever ran at this site, delete it and create it again"
        case .notALedger(let path, let reason):
            "\(path) is not a Cohort privacy ledger: \(reason)"
        case .wrongSite(let path, let expected, let found):
            "privacy ledger \(path) belongs to site '\(found)', not '\(expected)'"
        case .tornFinalLine(let path, let line, let offset, let count):
            "privacy ledger \(path): line \(line) is incomplete (\(count) bytes with no final newline), as a crash during an append leaves it; nothing was changed. If that round's update never left the site, remove the partial line (truncate -s \(offset) \(path)); otherwise complete it by hand. Cohort does not repair ledgers"
        case .malformedLine(let path, let line, let reason):
            "privacy ledger \(path): line \(line) is not a valid entry (\(reason)); the file was edited or damaged"
        case .outOfSequence(let path, let line, let expected, let found):
            "privacy ledger \(path): line \(line) is entry \(found), expected \(expected); entries were removed, repeated or reordered"
        case .changedOnDisk(let path, let expected, let actual):
            "privacy ledger \(path) changed on disk (\(actual) bytes, this budget wrote \(expected)); reopen it to see what was written"
        }
    }
}
