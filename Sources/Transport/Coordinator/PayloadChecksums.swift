import Foundation

/// Checksums of task payloads, computed once per round and kind of task: every participant of
/// a round gets the same global model, so summing it per site would read it n times. Entries
/// are keyed by the round, the kind of task and the arrays' storage, and hold no reference
/// to the arrays (that would keep an old model alive); a new round drops the old entries.
actor PayloadChecksums {
    private struct Key: Hashable {
        var study: String
        var round: Int
        var evaluation: Bool
        var addresses: [Int]
        var counts: [Int]
    }

    private var entries: [Key: Task<UInt64, Never>] = [:]

    func checksum(of vectors: [[Float]], study: String, round: Int, kind: TaskKind) async -> UInt64 {
        let key = Key(
            study: study, round: round, evaluation: kind == .evaluate,
            addresses: vectors.map { $0.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } },
            counts: vectors.map(\.count))
        if let work = entries[key] { return await work.value }
        entries = entries.filter { $0.key.study == study && $0.key.round == round }
        let work = Task.detached { ValuesChecksum.of(vectors) }
        entries[key] = work
        return await work.value
    }
}
