import Federation
import Foundation

/// A site's checkpoint on disk (`STATE_DIR/STUDY.site-state.json`), written atomically
/// after every answer and before the answer is sent: a site restarted at any point resumes
/// with the state that produced its last answer, and answers a repeated question with the
/// same bits.
package struct SiteStateFile: Sendable {
    public let url: URL

    public init(directory: URL, study: String) {
        let safe = study.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }
        url = directory.appendingPathComponent("\(String(safe)).site-state.json")
    }

    public func load() throws -> SiteState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let data = try Data(contentsOf: url)
            return try Self.decoder.decode(SiteState.self, from: data)
        } catch {
            throw SiteAgentError.unreadableState(path: url.path, reason: "\(error)")
        }
    }

    public func save(_ state: SiteState) throws {
        let data = try Self.encoder.encode(state)
        try FileWriting.write(data, to: url, mode: FileWriting.privateMode)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .cohortStrings
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .cohortStrings
        return decoder
    }
}
