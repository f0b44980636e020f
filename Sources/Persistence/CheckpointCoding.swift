import Federation
import Foundation

/// Splits a checkpoint into its small structured part (JSON) and its model-sized vectors
/// (binary little-endian float32 blobs, in parts), and joins them back bit for bit. JSON
/// text for a 100M-parameter model would be a gigabyte and slow; blobs are the bytes.
enum CheckpointCoding {
    /// One stored vector: its name (`global`, `previous_aggregate`, `strategy.NAME`,
    /// `rule.NAME`) and values.
    struct Vector {
        var name: String
        var values: [Float]
    }

    /// Values per blob part (64 MiB), under SQLite's default blob limit of 1 GB.
    static let partLength = 16 * 1024 * 1024

    static func split(_ checkpoint: CoordinatorCheckpoint) throws -> (json: Data, vectors: [Vector]) {
        var small = checkpoint
        var vectors = [Vector(name: "global", values: checkpoint.globalParameters)]
        small.globalParameters = []
        small.rounds = []
        if let previous = checkpoint.previousAggregate {
            vectors.append(Vector(name: "previous_aggregate", values: previous))
            small.previousAggregate = nil
        }
        for (name, values) in checkpoint.strategy.vectors.sorted(by: { $0.key < $1.key }) {
            vectors.append(Vector(name: "strategy.\(name)", values: values))
        }
        for (name, values) in checkpoint.rule.vectors.sorted(by: { $0.key < $1.key }) {
            vectors.append(Vector(name: "rule.\(name)", values: values))
        }
        small.strategy.vectors = [:]
        small.rule.vectors = [:]
        return (try JSONCoding.encoder.encode(Envelope(checkpoint: small, hasPreviousAggregate: checkpoint.previousAggregate != nil)), vectors)
    }

    static func join(json: Data, vectors: [String: [Float]], rounds: [RoundRecord]) throws -> CoordinatorCheckpoint {
        let envelope = try JSONCoding.decoder.decode(Envelope.self, from: json)
        var checkpoint = envelope.checkpoint
        guard let global = vectors["global"] else { throw StoreError.corrupt("the checkpoint has no global model") }
        checkpoint.globalParameters = global
        checkpoint.rounds = rounds
        if envelope.hasPreviousAggregate {
            guard let previous = vectors["previous_aggregate"] else { throw StoreError.corrupt("the checkpoint lost its previous aggregate") }
            checkpoint.previousAggregate = previous
        }
        for (name, values) in vectors {
            if name.hasPrefix("strategy.") { checkpoint.strategy.vectors[String(name.dropFirst("strategy.".count))] = values }
            if name.hasPrefix("rule.") { checkpoint.rule.vectors[String(name.dropFirst("rule.".count))] = values }
        }
        return checkpoint
    }

    private struct Envelope: Codable {
        var checkpoint: CoordinatorCheckpoint
        var hasPreviousAggregate: Bool
    }

    /// Little-endian float32 bytes of `values[range]`.
    static func bytes(of values: [Float], range: Range<Int>) -> Data {
        var data = Data(count: range.count * 4)
        data.withUnsafeMutableBytes { raw in
            let target = raw.bindMemory(to: UInt32.self)
            values.withUnsafeBufferPointer { source in
                for (offset, index) in range.enumerated() { target[offset] = source[index].bitPattern.littleEndian }
            }
        }
        return data
    }

    /// Appends the floats in `data` (little-endian float32) to `values`.
    static func append(_ data: Data, to values: inout [Float]) throws {
        guard data.count % 4 == 0 else { throw StoreError.corrupt("a stored vector part is \(data.count) bytes, not whole float32 values") }
        data.withUnsafeBytes { raw in
            for index in 0..<(data.count / 4) {
                values.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))))
            }
        }
    }
}

/// JSON as the store writes it: sorted keys, non-finite numbers as strings (a round's loss
/// can be NaN), exact round trips of every Float and Double.
enum JSONCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .cohortStrings
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .cohortStrings
        return decoder
    }
}
