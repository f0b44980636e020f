import Federation
import Foundation
import GRDB

/// The embedded default `StudyStore`: one SQLite file (WAL journal, synchronous=FULL so a
/// committed round survives power loss), written through GRDB. A round's record, metrics
/// and checkpoint are one transaction.
public final class SQLiteStudyStore: StudyStore {
    private let database: DatabaseQueue
    public let path: String
    /// Checkpoints kept (nil: every round's). Rounds and metrics are always kept.
    public let keepCheckpoints: Int?

    public init(path: String, keepCheckpoints: Int? = nil) throws {
        self.path = path
        self.keepCheckpoints = keepCheckpoints
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory) else {
            throw StoreError.unavailable("cannot open database \(path): the directory \(directory) does not exist")
        }
        // The database holds the model of every checkpoint: readable by its owner only, from
        // its first byte (SQLite gives its -wal and -shm files the database file's mode).
        if !FileManager.default.fileExists(atPath: path),
            !FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        {
            throw StoreError.unavailable("cannot create database \(path) (check that \(directory) is writable)")
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw StoreError.unavailable("cannot open database \(path): \(error.message ?? "\(error)")")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE study (
                        id TEXT PRIMARY KEY NOT NULL,
                        fingerprint TEXT NOT NULL,
                        configuration TEXT NOT NULL,
                        created_at DOUBLE NOT NULL,
                        finished_at DOUBLE,
                        model_checksum TEXT
                    );
                    CREATE TABLE site (
                        name TEXT PRIMARY KEY NOT NULL,
                        first_seen DOUBLE NOT NULL,
                        last_seen DOUBLE NOT NULL,
                        last_event TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE TABLE round (
                        number INTEGER PRIMARY KEY NOT NULL,
                        accepted BOOLEAN NOT NULL,
                        contributors INTEGER NOT NULL,
                        mean_training_loss DOUBLE,
                        seconds DOUBLE NOT NULL,
                        record TEXT NOT NULL,
                        completed_at DOUBLE NOT NULL
                    );
                    CREATE TABLE metric (
                        round INTEGER NOT NULL REFERENCES round(number) ON DELETE CASCADE,
                        scope TEXT NOT NULL,
                        metric TEXT NOT NULL,
                        value DOUBLE NOT NULL,
                        PRIMARY KEY (round, scope, metric)
                    );
                    CREATE TABLE checkpoint (
                        round INTEGER PRIMARY KEY NOT NULL REFERENCES round(number) ON DELETE CASCADE,
                        state TEXT NOT NULL
                    );
                    CREATE TABLE checkpoint_vector (
                        round INTEGER NOT NULL REFERENCES checkpoint(round) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        part INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        PRIMARY KEY (round, name, part)
                    );
                    """)
        }
        // A checkpoint's SHA-256 (`CheckpointDigest`), checked before resuming from it. NULL in
        // checkpoints written before it existed, which are resumed from unchecked.
        migrator.registerMigration("v2-checkpoint-digest") { db in
            try db.execute(sql: "ALTER TABLE checkpoint ADD COLUMN digest TEXT")
        }
        return migrator
    }

    // MARK: Study

    public func study() throws -> StoredStudy? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM study").map(Self.study(from:))
        }
    }

    public func begin(_ study: StoredStudy) throws {
        try database.write { db in
            if let existing = try Row.fetchOne(db, sql: "SELECT * FROM study").map(Self.study(from:)) {
                guard existing.id == study.id else {
                    throw StoreError.differentStudy(
                        "database \(path) holds study '\(existing.id)', not '\(study.id)'; use another database file for a new study")
                }
                guard existing.fingerprint == study.fingerprint else {
                    throw StoreError.differentStudy(
                        "database \(path) holds study '\(study.id)' with a different configuration; resume with the original configuration, or use another database file"
                    )
                }
                return
            }
            try db.execute(
                sql: "INSERT INTO study (id, fingerprint, configuration, created_at) VALUES (?, ?, ?, ?)",
                arguments: [study.id, study.fingerprint, study.configuration, study.createdAt.timeIntervalSince1970])
        }
    }

    public func finish(modelChecksum: String, at date: Date) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE study SET finished_at = ?, model_checksum = ?",
                arguments: [date.timeIntervalSince1970, modelChecksum])
        }
    }

    private static func study(from row: Row) -> StoredStudy {
        StoredStudy(
            id: row["id"], fingerprint: row["fingerprint"], configuration: row["configuration"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            modelChecksum: row["model_checksum"])
    }

    // MARK: Rounds

    public func saveRound(_ checkpoint: CoordinatorCheckpoint) throws {
        guard let record = checkpoint.rounds.last else { throw StoreError.corrupt("a checkpoint without a completed round cannot be saved") }
        let recordJSON = String(decoding: try JSONCoding.encoder.encode(record), as: UTF8.self)
        let (state, vectors) = try CheckpointCoding.split(checkpoint)
        let number = record.round
        let metrics = Self.metrics(of: record)
        try database.write { db in
            try db.execute(sql: "DELETE FROM round WHERE number >= ?", arguments: [number])
            try db.execute(
                sql: """
                    INSERT INTO round (number, accepted, contributors, mean_training_loss, seconds, record, completed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    number, record.accepted, record.contributors.count,
                    record.meanTrainingLoss.flatMap { $0.isFinite ? $0 : nil }, record.seconds, recordJSON,
                    Date().timeIntervalSince1970
                ])
            for metric in metrics {
                try db.execute(
                    sql: "INSERT INTO metric (round, scope, metric, value) VALUES (?, ?, ?, ?)",
                    arguments: [number, metric.scope, metric.metric, metric.value])
            }
            let stateText = String(decoding: state, as: UTF8.self)
            try db.execute(sql: "INSERT INTO checkpoint (round, state) VALUES (?, ?)", arguments: [number, stateText])
            // In the order the store reads them back, so the digest is computed as it is checked.
            var digest = CheckpointDigest(state: Data(stateText.utf8))
            for vector in vectors.sorted(by: { CheckpointDigest.precedes($0.name, $1.name) }) {
                var part = 0
                var start = 0
                repeat {
                    let end = min(vector.values.count, start + CheckpointCoding.partLength)
                    let data = CheckpointCoding.bytes(of: vector.values, range: start..<end)
                    digest.add(vector: vector.name, part: part, data: data)
                    try db.execute(
                        sql: "INSERT INTO checkpoint_vector (round, name, part, data) VALUES (?, ?, ?, ?)",
                        arguments: [number, vector.name, part, data])
                    part += 1
                    start = end
                } while start < vector.values.count
            }
            try db.execute(sql: "UPDATE checkpoint SET digest = ? WHERE round = ?", arguments: [digest.finish(), number])
            if let keep = keepCheckpoints {
                try db.execute(sql: "DELETE FROM checkpoint WHERE round <= ?", arguments: [number - max(keep, 1)])
            }
        }
    }

    /// The rounds whose checkpoint, state or vectors, is still stored (with `keepCheckpoints`,
    /// the last ones only): what a restart could resume from, and what the disk holds.
    public func checkpointRounds() throws -> [Int] {
        try database.read { db in
            try Int.fetchAll(db, sql: "SELECT round FROM checkpoint UNION SELECT round FROM checkpoint_vector ORDER BY round")
        }
    }

    public func latestCheckpoint() throws -> CoordinatorCheckpoint? {
        try latestVerifiedCheckpoint().checkpoint
    }

    /// The checkpoint after the last completed round whose digest matches what is stored, and
    /// why each later one was refused (a corrupted checkpoint names its round; the one before
    /// it, when `keepCheckpoints` kept it, is resumed from instead and the rounds after it run
    /// again). Throws when checkpoints exist but none can be trusted.
    public func latestVerifiedCheckpoint() throws -> (checkpoint: CoordinatorCheckpoint?, refused: [String]) {
        try database.read { db in
            var refused: [String] = []
            let stored = try Row.fetchAll(db, sql: "SELECT round, state, digest FROM checkpoint ORDER BY round DESC")
            for row in stored {
                let number: Int = row["round"]
                let state: String = row["state"]
                let expected: String? = row["digest"]
                guard let vectors = try Self.vectors(db, round: number, state: state, expected: expected) else {
                    refused.append("the checkpoint of round \(number) in \(path) is corrupted: its digest does not match what is stored")
                    continue
                }
                let rounds = try Self.rounds(db, through: number)
                guard rounds.count == number else {
                    throw StoreError.corrupt("database \(path): the checkpoint after round \(number) has \(rounds.count) round records")
                }
                return (try CheckpointCoding.join(json: Data(state.utf8), vectors: vectors, rounds: rounds), refused)
            }
            if !refused.isEmpty {
                throw StoreError.corrupt(
                    refused.joined(separator: "; ")
                        + "; no earlier checkpoint is kept to resume from (keep_checkpoints); restore the database from a backup or start the study in a new one"
                )
            }
            return (nil, [])
        }
    }

    /// A checkpoint's vectors, read while its digest is computed; nil when the digest does not
    /// match `expected` (or the bytes cannot be values at all). A nil `expected` (written before
    /// digests) is not checked.
    private static func vectors(_ db: Database, round: Int, state: String, expected: String?) throws -> [String: [Float]]? {
        var digest = CheckpointDigest(state: Data(state.utf8))
        var vectors: [String: [Float]] = [:]
        var readable = true
        let parts = try Row.fetchCursor(
            db, sql: "SELECT name, part, data FROM checkpoint_vector WHERE round = ? ORDER BY name, part",
            arguments: [round])
        while let part = try parts.next() {
            let name: String = part["name"]
            let data: Data = part["data"]
            digest.add(vector: name, part: part["part"], data: data)
            if readable {
                do { try CheckpointCoding.append(data, to: &vectors[name, default: []]) } catch { readable = false }
            }
        }
        if let expected, digest.finish() != expected { return nil }
        guard readable else {
            throw StoreError.corrupt("the checkpoint of round \(round) holds a vector part that is not whole float32 values")
        }
        return vectors
    }

    public func rounds() throws -> [RoundRecord] {
        try database.read { db in try Self.rounds(db, through: Int.max) }
    }

    private static func rounds(_ db: Database, through last: Int) throws -> [RoundRecord] {
        try String.fetchAll(db, sql: "SELECT record FROM round WHERE number <= ? ORDER BY number", arguments: [last]).map {
            try JSONCoding.decoder.decode(RoundRecord.self, from: Data($0.utf8))
        }
    }

    public func metrics(round: Int?) throws -> [StoredMetric] {
        try database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM metric WHERE ? IS NULL OR round = ? ORDER BY round, scope, metric",
                arguments: [round, round])
            return rows.map { StoredMetric(round: $0["round"], scope: $0["scope"], metric: $0["metric"], value: $0["value"]) }
        }
    }

    /// What a round's evaluation reports, flattened for queries.
    static func metrics(of record: RoundRecord) -> [StoredMetric] {
        var metrics: [StoredMetric] = []
        if let loss = record.meanTrainingLoss, loss.isFinite {
            metrics.append(StoredMetric(round: record.round, scope: "average", metric: "train_loss", value: loss))
        }
        guard let evaluation = record.evaluation else { return metrics }
        metrics.append(StoredMetric(round: record.round, scope: "average", metric: "accuracy", value: evaluation.averageAccuracy))
        metrics.append(StoredMetric(round: record.round, scope: "weighted", metric: "accuracy", value: evaluation.weightedAccuracy))
        for report in evaluation.sites {
            // Prefixed like central test sets: a site may be named "average" or "weighted".
            let scope = "site:\(report.site.name)"
            metrics.append(StoredMetric(round: record.round, scope: scope, metric: "accuracy", value: report.metrics.accuracy))
            if report.metrics.logLoss.isFinite {
                metrics.append(StoredMetric(round: record.round, scope: scope, metric: "log_loss", value: report.metrics.logLoss))
            }
            if let auroc = report.metrics.auroc, auroc.isFinite {
                metrics.append(StoredMetric(round: record.round, scope: scope, metric: "auroc", value: auroc))
            }
            metrics.append(StoredMetric(round: record.round, scope: scope, metric: "test_size", value: Double(report.metrics.count)))
        }
        for (name, central) in evaluation.central.sorted(by: { $0.key < $1.key }) {
            metrics.append(StoredMetric(round: record.round, scope: "central:\(name)", metric: "accuracy", value: central.accuracy))
        }
        return metrics
    }

    // MARK: Sites

    public func recordSite(_ event: SiteEvent) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO site (name, first_seen, last_seen, last_event, detail) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET last_seen = excluded.last_seen, last_event = excluded.last_event, detail = excluded.detail
                    """,
                arguments: [
                    event.site.name, event.date.timeIntervalSince1970, event.date.timeIntervalSince1970,
                    event.kind.rawValue, event.detail
                ])
        }
    }

    public func sites() throws -> [StoredSite] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM site ORDER BY name").map {
                StoredSite(
                    site: SiteID($0["name"]), firstSeen: Date(timeIntervalSince1970: $0["first_seen"]),
                    lastSeen: Date(timeIntervalSince1970: $0["last_seen"]), lastEvent: $0["last_event"], detail: $0["detail"])
            }
        }
    }
}
