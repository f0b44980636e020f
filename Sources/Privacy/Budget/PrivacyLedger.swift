import Federation
import Foundation

/// A site's privacy ledger as read from disk: whose it is and every DP round recorded, in order.
///
/// The file is JSON Lines: a header line, then one `PrivacyLedgerEntry` per line, each line
/// ending in a newline. Appends are whole lines, so a crash can only leave the last line without
/// its newline; reading detects that and refuses the whole file (`tornFinalLine`) rather than
/// dropping or guessing the line, because that round may have been released.
/// `PrivacyBudget` is the only writer.
public struct PrivacyLedger: Sendable, Hashable {
    public let site: SiteID
    public let createdAt: Date
    public let entries: [PrivacyLedgerEntry]

    init(site: SiteID, createdAt: Date, entries: [PrivacyLedgerEntry]) {
        self.site = site
        self.createdAt = createdAt
        self.entries = entries
    }

    /// Reads a ledger without locking it (to report on it while a budget may hold it).
    public static func read(from url: URL) throws(PrivacyLedgerError) -> PrivacyLedger {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(path: url.path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try PrivacyLedger(parsing: data, path: url.path)
    }

    init(parsing data: Data, path: String) throws(PrivacyLedgerError) {
        guard !data.isEmpty else { throw .empty(path: path) }
        let newline = UInt8(ascii: "\n")
        var lines = data.split(separator: newline, omittingEmptySubsequences: false)
        // A complete file ends in a newline, which leaves one empty piece after it.
        guard data.last == newline else {
            let offset = data.lastIndex(of: newline).map { $0 + 1 - data.startIndex } ?? 0
            throw .tornFinalLine(path: path, line: lines.count, byteOffset: offset, byteCount: data.count - offset)
        }
        lines.removeLast()

        let decoder = LedgerLineCodec.decoder
        let header: PrivacyLedgerHeader
        do {
            header = try decoder.decode(PrivacyLedgerHeader.self, from: Data(lines[0]))
        } catch {
            throw .notALedger(path: path, reason: "its first line is not a ledger header")
        }
        guard header.format == PrivacyLedgerHeader.formatName else {
            throw .notALedger(path: path, reason: "format is '\(header.format)', not '\(PrivacyLedgerHeader.formatName)'")
        }
        guard header.version == PrivacyLedgerHeader.currentVersion else {
            throw .notALedger(
                path: path, reason: "version \(header.version) is not supported (this Cohort reads version \(PrivacyLedgerHeader.currentVersion))")
        }

        var entries: [PrivacyLedgerEntry] = []
        for (index, line) in lines.dropFirst().enumerated() {
            let lineNumber = index + 2
            let entry: PrivacyLedgerEntry
            do {
                entry = try decoder.decode(PrivacyLedgerEntry.self, from: Data(line))
            } catch let error as DecodingError {
                throw .malformedLine(path: path, line: lineNumber, reason: error.oneLineDescription)
            } catch {
                throw .malformedLine(path: path, line: lineNumber, reason: "\(error)")
            }
            guard entry.entry == index + 1 else {
                throw .outOfSequence(path: path, line: lineNumber, expected: index + 1, found: entry.entry)
            }
            entries.append(entry)
        }
        site = header.site
        createdAt = header.createdAt
        self.entries = entries
    }
}

/// How ledger lines are written and read: compact JSON, sorted snake_case keys, ISO 8601 dates.
enum LedgerLineCodec {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .cohortStrings
        return decoder
    }

    /// One line, newline included. Compact JSON escapes newlines inside strings, so the only
    /// newline is the terminator.
    static func line<Value: Encodable>(_ value: Value) -> Data {
        // Encoding plain values (strings, finite or infinite doubles, ints, dates) cannot fail
        // with a non-conforming-float strategy set.
        let encoder = encoder
        encoder.nonConformingFloatEncodingStrategy = .cohortStrings
        var data = try! encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
