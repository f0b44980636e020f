import Federation
import Foundation

/// JSON as Cohort writes it: snake_case keys, sorted, human-diffable.
enum JSONOutput {
    static func encode<Value: Encodable>(_ value: Value, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .cohortStrings
        return try encoder.encode(value)
    }

    /// Reads what `encode` wrote (run.json and the other reports).
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .cohortStrings
        return decoder
    }

    static func string<Value: Encodable>(_ value: Value, pretty: Bool = false) throws -> String {
        String(decoding: try encode(value, pretty: pretty), as: UTF8.self)
    }

    /// Writes atomically (temporary file, then rename), so a crash never leaves half a file.
    static func write<Value: Encodable>(_ value: Value, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try encode(value).write(to: url, options: .atomic)
        } catch let error as EncodingError {
            throw error
        } catch {
            throw CohortError("cannot write \(path): \(error.localizedDescription); check that the directory exists and is writable")
        }
    }
}
