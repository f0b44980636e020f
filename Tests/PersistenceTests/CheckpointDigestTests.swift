import Federation
import Foundation
import GRDB
import Testing

@testable import Persistence

/// A stored checkpoint carries a digest checked before a coordinator resumes from it: a bit
/// flipped by a failing disk is refused with the round it belongs to, and the checkpoint
/// before it, when kept, is used instead.
@Suite("Checkpoint digests")
struct CheckpointDigestTests {
    /// Runs `change` on the database behind the store's back, as corruption would.
    static func tamper(_ path: String, _ change: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write(change)
    }

    /// Flips one bit of the first stored part of `vector` of `round`.
    static func flipBit(in path: String, round: Int, vector: String = "global") throws {
        try tamper(path) { db in
            var data = try #require(
                try Data.fetchOne(
                    db, sql: "SELECT data FROM checkpoint_vector WHERE round = ? AND name = ? AND part = 0",
                    arguments: [round, vector]))
            data[5] ^= 0x10
            try db.execute(sql: "UPDATE checkpoint_vector SET data = ? WHERE round = ? AND name = ? AND part = 0", arguments: [data, round, vector])
        }
    }

    static func saved(rounds: Int = 3, keep: Int? = nil) async throws -> (path: String, cleanup: () -> Void, checkpoints: [CoordinatorCheckpoint]) {
        let (path, cleanup) = try SQLiteStudyStoreTests.temporaryDatabase()
        let checkpoints = try await SQLiteStudyStoreTests.checkpoints(rounds: rounds)
        let store = try SQLiteStudyStore(path: path, keepCheckpoints: keep)
        try store.begin(SQLiteStudyStoreTests.study)
        for checkpoint in checkpoints { try store.saveRound(checkpoint) }
        return (path, cleanup, checkpoints)
    }

    @Test("an intact store resumes from its latest checkpoint, nothing refused")
    func intact() async throws {
        let (path, cleanup, checkpoints) = try await Self.saved()
        defer { cleanup() }
        let (checkpoint, refused) = try SQLiteStudyStore(path: path).latestVerifiedCheckpoint()
        #expect(refused.isEmpty)
        #expect(checkpoint?.completedRounds == 3)
        #expect(checkpoint?.globalParameters.map(\.bitPattern) == checkpoints[2].globalParameters.map(\.bitPattern))
    }

    @Test("a bit flipped in the latest checkpoint's model: refused naming round 3, round 2's is resumed from, and round 3 is saved again")
    func flippedModel() async throws {
        let (path, cleanup, checkpoints) = try await Self.saved()
        defer { cleanup() }
        try Self.flipBit(in: path, round: 3)
        let store = try SQLiteStudyStore(path: path)
        let (checkpoint, refused) = try store.latestVerifiedCheckpoint()
        #expect(refused.count == 1)
        #expect(refused.first?.contains("the checkpoint of round 3") == true && refused.first?.contains("corrupted") == true, "\(refused)")
        let resumed = try #require(checkpoint)
        #expect(resumed.completedRounds == 2)
        #expect(resumed.globalParameters.map(\.bitPattern) == checkpoints[1].globalParameters.map(\.bitPattern))
        #expect(resumed.strategy == checkpoints[1].strategy)
        // The protocol's view is the same checkpoint.
        #expect(try store.latestCheckpoint()?.completedRounds == 2)
        // The coordinator runs round 3 again and saves it over the corrupted one.
        try store.saveRound(checkpoints[2])
        let (again, none) = try store.latestVerifiedCheckpoint()
        #expect(none.isEmpty && again?.completedRounds == 3)
    }

    @Test("altered state or a server-state vector is caught as well")
    func alteredStateAndVectors() async throws {
        let (path, cleanup, _) = try await Self.saved()
        defer { cleanup() }
        try Self.tamper(path) { db in
            let state = try #require(try String.fetchOne(db, sql: "SELECT state FROM checkpoint WHERE round = 3"))
            // Still valid JSON, one byte more: only the digest can tell.
            try db.execute(sql: "UPDATE checkpoint SET state = ? WHERE round = 3", arguments: [state + " "])
            let name = try #require(try String.fetchOne(db, sql: "SELECT name FROM checkpoint_vector WHERE round = 2 AND name LIKE 'strategy.%' LIMIT 1"))
            let data = try #require(
                try Data.fetchOne(db, sql: "SELECT data FROM checkpoint_vector WHERE round = 2 AND name = ? AND part = 0", arguments: [name]))
            try db.execute(
                sql: "UPDATE checkpoint_vector SET data = ? WHERE round = 2 AND name = ? AND part = 0",
                arguments: [data.dropLast(4), name])
        }
        let (checkpoint, refused) = try SQLiteStudyStore(path: path).latestVerifiedCheckpoint()
        #expect(refused.count == 2, "\(refused)")
        #expect(refused.first?.contains("round 3") == true && refused.last?.contains("round 2") == true)
        #expect(checkpoint?.completedRounds == 1)
    }

    @Test("with no earlier checkpoint kept, a corrupted one ends the resume with its round named")
    func nothingToFallBackTo() async throws {
        let (path, cleanup, _) = try await Self.saved(keep: 1)
        defer { cleanup() }
        try Self.flipBit(in: path, round: 3)
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStudyStore(path: path).latestVerifiedCheckpoint() }
        #expect(error?.description.contains("the checkpoint of round 3") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("no earlier checkpoint is kept") == true)
    }

    @Test("checkpoints from before digests (no digest stored) still resume")
    func legacyCheckpoint() async throws {
        let (path, cleanup, _) = try await Self.saved()
        defer { cleanup() }
        try Self.tamper(path) { db in try db.execute(sql: "UPDATE checkpoint SET digest = NULL") }
        let (checkpoint, refused) = try SQLiteStudyStore(path: path).latestVerifiedCheckpoint()
        #expect(refused.isEmpty && checkpoint?.completedRounds == 3)
    }

    @Test("the database holding the models is created readable by its owner only (0600), its journal too")
    func privateDatabase() async throws {
        let (path, cleanup, _) = try await Self.saved(rounds: 1)
        defer { cleanup() }
        let store = try SQLiteStudyStore(path: path)
        _ = try store.latestCheckpoint()
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
    }
}
