import Federation
import Foundation
import Learning
import Testing

@testable import Persistence

@Suite("SQLite study store")
struct SQLiteStudyStoreTests {
    /// A real study's checkpoints: a few rounds of FedAdam (it has model-sized server state).
    static func checkpoints(rounds: Int = 3, siteNames: [String] = ["site-0", "site-1", "site-2"]) async throws -> [CoordinatorCheckpoint] {
        let sites = siteNames.indices.map { index -> SiteData in
            var generator = SeededGenerator(seed: UInt64(index + 1))
            func data(_ rows: Int) -> Dataset {
                let x = (0..<(rows * 4)).map { _ in Float(generator.nextGaussian()) }
                let y = (0..<rows).map { row in x[row * 4] + x[row * 4 + 1] > 0 ? Float(1) : 0 }
                return Dataset(features: x, labels: y, exampleShape: Shape([4]), task: .binary)
            }
            return SiteData(name: siteNames[index], train: data(30), test: data(10))
        }
        let configuration = StudyConfiguration(
            studyID: "store", rounds: rounds, selection: try SiteSelection(minimumSites: 3),
            training: TrainingInstructions(localSteps: 5, batchSize: 4, optimizer: .sgd(learningRate: 0.1)),
            seed: 9)
        let model = try Model(spec: .mlp(hidden: [8]), inputShape: Shape([4]), task: .binary, seed: 9)
        let actors = try sites.map { try Site(id: SiteID($0.name), study: "store", model: .mlp(hidden: [8]), data: $0, seed: 9) }
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedOpt(.adam, serverLearningRate: 0.01),
            initialParameters: model.parameters, layout: model.layout,
            transport: InProcessTransport(sites: actors))
        let collected = Collected()
        _ = try await coordinator.run(roundCompleted: { await collected.add($0) })
        return await collected.items
    }

    actor Collected {
        var items: [CoordinatorCheckpoint] = []
        func add(_ checkpoint: CoordinatorCheckpoint) { items.append(checkpoint) }
    }

    static func temporaryDatabase() throws -> (path: String, cleanup: () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-store-\(UInt32.random(in: .min ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory.appendingPathComponent("study.sqlite").path, { try? FileManager.default.removeItem(at: directory) })
    }

    static let study = StoredStudy(id: "store", fingerprint: "abc", configuration: "{}")

    @Test("a saved checkpoint comes back bit for bit, with its round history")
    func roundTrip() async throws {
        let (path, cleanup) = try Self.temporaryDatabase()
        defer { cleanup() }
        let checkpoints = try await Self.checkpoints()
        let store = try SQLiteStudyStore(path: path)
        try store.begin(Self.study)
        #expect(try store.latestCheckpoint() == nil)
        for checkpoint in checkpoints { try store.saveRound(checkpoint) }

        let reopened = try SQLiteStudyStore(path: path)
        let loaded = try #require(try reopened.latestCheckpoint())
        let original = checkpoints.last!
        #expect(loaded.globalParameters.map(\.bitPattern) == original.globalParameters.map(\.bitPattern))
        #expect(loaded.strategy == original.strategy)
        #expect(!loaded.strategy.vectors.isEmpty, "FedAdam keeps its moments")
        #expect(loaded.rule == original.rule)
        #expect(loaded.rounds == original.rounds)
        #expect(loaded.layout == original.layout)
        #expect(loaded.configuration == original.configuration)
        #expect(try reopened.rounds().count == 3)
        let accuracy = try reopened.metrics(round: 3).filter { $0.scope == "average" && $0.metric == "accuracy" }
        #expect(accuracy.count == 1)
        #expect(accuracy.first?.value == original.rounds.last?.evaluation?.averageAccuracy)
    }

    @Test("a stored checkpoint restores the model and the strategy's state (FedAdam's moments) a resumed coordinator starts from")
    func checkpointRestoresStrategyState() async throws {
        let (path, cleanup) = try Self.temporaryDatabase()
        defer { cleanup() }
        let checkpoints = try await Self.checkpoints(rounds: 3)
        let store = try SQLiteStudyStore(path: path)
        try store.begin(Self.study)
        try store.saveRound(checkpoints[0])
        let loaded = try #require(try store.latestCheckpoint())
        #expect(loaded.completedRounds == 1)
        #expect(loaded.globalParameters == checkpoints[0].globalParameters)
        var strategy: any Strategy = FedOpt(.adam, serverLearningRate: 0.01)
        try strategy.restore(loaded.strategy)
        #expect(strategy.state == checkpoints[0].strategy)
    }

    @Test("another study, or the same study with another configuration, is refused")
    func differentStudy() throws {
        let (path, cleanup) = try Self.temporaryDatabase()
        defer { cleanup() }
        let store = try SQLiteStudyStore(path: path)
        try store.begin(Self.study)
        try store.begin(Self.study)
        #expect(throws: StoreError.self) { try store.begin(StoredStudy(id: "other", fingerprint: "abc", configuration: "{}")) }
        #expect(throws: StoreError.self) { try store.begin(StoredStudy(id: "store", fingerprint: "def", configuration: "{}")) }
        try store.finish(modelChecksum: "0123", at: Date())
        #expect(try store.study()?.modelChecksum == "0123")
    }

    @Test("sites' connection events are kept")
    func sites() throws {
        let (path, cleanup) = try Self.temporaryDatabase()
        defer { cleanup() }
        let store = try SQLiteStudyStore(path: path)
        try store.recordSite(SiteEvent(site: "a", kind: .connected))
        try store.recordSite(SiteEvent(site: "a", kind: .dead, detail: "no heartbeat"))
        try store.recordSite(SiteEvent(site: "b", kind: .connected))
        let sites = try store.sites()
        #expect(sites.map(\.site) == ["a", "b"])
        #expect(sites[0].lastEvent == "dead")
        #expect(sites[0].detail == "no heartbeat")
    }

    @Test("only the last checkpoints are kept when asked; rounds and metrics stay")
    func retention() async throws {
        let (path, cleanup) = try Self.temporaryDatabase()
        defer { cleanup() }
        let checkpoints = try await Self.checkpoints()
        let store = try SQLiteStudyStore(path: path, keepCheckpoints: 1)
        try store.begin(Self.study)
        for checkpoint in checkpoints { try store.saveRound(checkpoint) }
        #expect(try store.latestCheckpoint()?.completedRounds == 3)
        #expect(try store.checkpointRounds() == [3], "older checkpoints and their vectors are gone")
        #expect(try store.rounds().count == 3)

        let (allPath, allCleanup) = try Self.temporaryDatabase()
        defer { allCleanup() }
        let keepsAll = try SQLiteStudyStore(path: allPath)
        try keepsAll.begin(Self.study)
        for checkpoint in checkpoints { try keepsAll.saveRound(checkpoint) }
        #expect(try keepsAll.checkpointRounds() == [1, 2, 3])
    }

    @Test("sites named like the aggregate scopes keep their own metrics")
    func siteNamedAverage() async throws {
        let (path, cleanup) = try Self.temporaryDatabase()
        defer { cleanup() }
        let store = try SQLiteStudyStore(path: path)
        try store.begin(Self.study)
        for checkpoint in try await Self.checkpoints(siteNames: ["average", "weighted", "site-2"]) { try store.saveRound(checkpoint) }
        let accuracy = try store.metrics(round: 3).filter { $0.metric == "accuracy" }
        #expect(Set(accuracy.map(\.scope)) == ["average", "weighted", "site:average", "site:weighted", "site:site-2"])
    }

    @Test("a database in a missing directory is a one-line error naming it")
    func missingDirectory() {
        let error = #expect(throws: StoreError.self) { try SQLiteStudyStore(path: "/nonexistent-dir/x/study.sqlite") }
        #expect(error?.description.contains("/nonexistent-dir/x") == true)
    }
}
