import ArgumentParser
import CohortBench
import Federation
import Foundation
import Learning
import Persistence
import Transport

/// `cohort bench deploy`: what a deployed round costs. (1) The four-hospital heart study with
/// a real coordinator and four site processes over loopback mutual TLS: seconds per round
/// after start-up. (2) Round overhead with many sites and a larger model, against the time
/// plain TCP needs to move the same bytes on this machine (measured in the same run).
/// (3) Opt-in: the coordinator's peak memory with 10 sites x 100M parameters.
struct DeployBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deployment over loopback mutual TLS: seconds per round, round overhead vs loopback bandwidth, coordinator memory.",
        subcommands: [DeployBenchmarkRunCommand.self, DeployBenchmarkSwarmCommand.self],
        defaultSubcommand: DeployBenchmarkRunCommand.self)
}

struct DeployBenchmarkRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the deployment benchmarks.")

    @Option(help: "Heart study rounds.")
    var rounds: Int = 15

    @Option(help: "Sites for the overhead and memory measurements.")
    var sites: Int = 10

    @Option(help: "Parameters for the overhead measurement (1e6 notation accepted).")
    var params: String = "1e6"

    @Option(name: .customLong("overhead-rounds"), help: "Rounds of the overhead measurement (the first and last are not counted).")
    var overheadRounds: Int = 30

    @Flag(help: "Also measure the coordinator's peak memory with --sites x --memory-params (several GB of traffic; minutes).")
    var memory = false

    @Option(name: .customLong("memory-params"), help: "Parameters for the memory measurement.")
    var memoryParams: String = "1e8"

    @Option(name: .customLong("memory-rounds"), help: "Rounds of the memory measurement.")
    var memoryRounds: Int = 2

    @Flag(name: .customLong("memory-over-lane"), help: "Measure memory with the vectors over the vector lane instead of gRPC.")
    var memoryOverLane = false

    @Flag(name: .customLong("skip-heart"), help: "Skip the heart study.")
    var skipHeart = false

    @Flag(name: .customLong("skip-overhead"), help: "Skip the overhead measurement.")
    var skipOverhead = false

    @Flag(name: .customLong("skip-grpc"), help: "Skip the overhead measurement's comparisons with vectors over gRPC.")
    var skipGRPC = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .customLong("chunk-bytes"), help: "Bytes of values per chunk (the coordinator's chunk_bytes).")
    var chunkBytes: Int = ProtocolLimits().chunkBytes

    @Flag(help: "Log the coordinator's and sites' events to standard error.")
    var verbose = false

    struct Report: Codable {
        var heart: HeartRounds?
        var overhead: Overhead?
        var memory: Memory?
    }

    struct HeartRounds: Codable {
        var rounds: Int
        var siteProcesses: Int
        var firstRoundSeconds: Double
        var meanSecondsPerRound: Double
        var medianSecondsPerRound: Double
        var maxSecondsPerRound: Double
        var wallSeconds: Double
        var modelChecksum: String
    }

    struct Overhead: Codable {
        var sites: Int
        var parameters: Int
        var bytesPerRound: Int
        var medianRoundSeconds: Double
        var loopbackBytesPerSecond: Double
        var secondsToMoveBytes: Double
        var ratio: Double
        /// The same bytes over one plain mutual-TLS connection (no gRPC): the encryption floor.
        var mutualTLSBytesPerSecond: Double
        var secondsToMoveBytesOverMutualTLS: Double
        var ratioToMutualTLS: Double
        /// The same rounds with the vectors over gRPC instead of the vector lane (nil: skipped).
        var grpcRoundSeconds: Double?
        /// The round's traffic through the same gRPC/HTTP/2/mTLS transports with nothing of
        /// Cohort on top (`GRPCLoopback`): what gRPC itself costs (nil: skipped).
        var grpcFloorSeconds: Double?
    }

    struct Memory: Codable {
        var sites: Int
        var parameters: Int
        var modelBytes: Int
        var peakResidentBytes: Int
        var baselineResidentBytes: Int
        var ratioToModel: Double
        var medianRoundSeconds: Double
    }

    func run() async throws {
        let parameters = try parseCount(params, flag: "--params")
        let memoryParameters = try parseCount(memoryParams, flag: "--memory-params")
        guard sites >= 1, rounds >= 2, overheadRounds >= 3, memoryRounds >= 1 else {
            throw CohortError("--sites must be at least 1, --rounds 2, --overhead-rounds 3, --memory-rounds 1")
        }
        BLAS.setThreadCount(1)
        var report = Report()
        if !skipHeart {
            report.heart = try await DeployBenchmark.heart(rounds: rounds)
            if !json, let heart = report.heart {
                print(
                    String(
                        format:
                            "heart study, coordinator + %d site processes, loopback mTLS: %.1f ms per round after start-up (median %.1f, max %.1f; first round %.0f ms incl. connections), %d rounds in %.2f s wall",
                        heart.siteProcesses, heart.meanSecondsPerRound * 1000, heart.medianSecondsPerRound * 1000,
                        heart.maxSecondsPerRound * 1000, heart.firstRoundSeconds * 1000, heart.rounds, heart.wallSeconds))
            }
        }
        if !skipOverhead {
            report.overhead = try await DeployBenchmark.overhead(
                sites: sites, parameters: parameters, rounds: overheadRounds,
                chunkBytes: chunkBytes, comparesGRPC: !skipGRPC, verbose: verbose)
            if !json, let overhead = report.overhead {
                let tls = overhead.secondsToMoveBytesOverMutualTLS
                var line = String(
                    format:
                        "round overhead, %d sites x %d parameters (%.0f MB moved per round): %.1f ms per round over the vector lane; plain TCP loopback %.2f GB/s moves it in %.1f ms; ratio %.2fx; one mutual-TLS connection %.2f GB/s moves it in %.1f ms; ratio %.2fx",
                    overhead.sites, overhead.parameters, Double(overhead.bytesPerRound) / 1e6, overhead.medianRoundSeconds * 1000,
                    overhead.loopbackBytesPerSecond / 1e9, overhead.secondsToMoveBytes * 1000, overhead.ratio,
                    overhead.mutualTLSBytesPerSecond / 1e9, tls * 1000, overhead.ratioToMutualTLS)
                if let grpc = overhead.grpcRoundSeconds, let floor = overhead.grpcFloorSeconds {
                    line += String(
                        format: "; with the vectors over gRPC instead %.1f ms (%.2fx), gRPC alone %.1f ms (%.2fx)",
                        grpc * 1000, grpc / tls, floor * 1000, floor / tls)
                }
                print(line)
            }
        }
        if memory {
            report.memory = try await DeployBenchmark.memory(
                sites: sites, parameters: memoryParameters, rounds: memoryRounds,
                chunkBytes: chunkBytes, vectorLane: memoryOverLane)
            if !json, let memory = report.memory {
                print(
                    String(
                        format:
                            "coordinator memory, %d sites x %d parameters (model %.0f MB), vectors over %@: peak RSS %.0f MB = %.2fx the model (%.0f MB before the model), %.1f s per round",
                        memory.sites, memory.parameters, Double(memory.modelBytes) / 1e6, memoryOverLane ? "the vector lane" : "gRPC",
                        Double(memory.peakResidentBytes) / 1e6,
                        memory.ratioToModel, Double(memory.baselineResidentBytes) / 1e6, memory.medianRoundSeconds))
            }
        }
        if json { print(try JSONOutput.string(report)) }
    }
}

/// Hidden: the site agents of the memory measurement, in their own process so the
/// coordinator's memory is measured alone.
struct DeployBenchmarkSwarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm", abstract: "Synthetic site agents (used by cohort bench deploy).",
        shouldDisplay: false)

    @Option(help: "Folder holding one startup kit per site.")
    var kits: String

    @Option(help: "Comma-separated site names.")
    var sites: String

    @Option(help: "Parameters of the model.")
    var params: String

    @Option(help: "host:port of the coordinator.")
    var coordinator: String

    func run() async throws {
        let parameters = try parseCount(params, flag: "--params")
        let address = try deployment { try NetworkAddress(parsing: coordinator) }
        let delta = [Float](repeating: 0.001, count: parameters)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in sites.split(separator: ",").map(String.init) {
                let kit = URL(fileURLWithPath: kits).appendingPathComponent(name)
                let credentials = try deployment { try Credentials(kit: .site(kit)) }
                let agent = SiteAgent(
                    options: .init(
                        coordinator: address, credentials: credentials, reconnectInitialSeconds: 0.1,
                        reconnectMaximumSeconds: 1),
                    worker: SyntheticWorker(delta: delta, exampleShape: Shape([1])), log: EventLog(component: "swarm-\(name)"))
                group.addTask { _ = try await agent.run() }
            }
            try await group.waitForAll()
        }
    }
}

/// The measurements themselves.
enum DeployBenchmark {
    static let hospitals = ["cleveland", "hungarian", "switzerland", "va"]

    /// This executable, to start coordinator and site processes.
    static var executable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-bench-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A consortium for one measurement, in `directory`/consortium.
    static func provision(sites names: [String], in directory: URL) throws -> Provisioner.Consortium {
        try deployment {
            try Provisioner().initialize(
                consortium: "bench", at: directory.appendingPathComponent("consortium"),
                coordinatorHost: "127.0.0.1", coordinatorPort: 7443, sites: names)
        }
    }

    /// The coordinator's credentials and each named site's, from a provisioned consortium.
    static func credentials(of consortium: Provisioner.Consortium, sites names: [String]) throws -> (coordinator: Credentials, sites: [Credentials]) {
        try deployment {
            (
                try Credentials(kit: .coordinator(consortium.coordinatorKit)),
                try names.map { try Credentials(kit: .site(consortium.siteKits[$0]!)) }
            )
        }
    }

    static func launch(_ arguments: [String], in directory: URL, log name: String) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("\(name).log").path, contents: nil)
        let log = try FileHandle(forWritingTo: directory.appendingPathComponent("\(name).log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    static func waitForPort(_ file: URL, process: Process) async throws -> Int {
        for _ in 0..<3000 {
            if let text = try? String(contentsOf: file, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return port
            }
            guard process.isRunning else { throw CohortError("the benchmark coordinator exited early; see \(file.deletingLastPathComponent().path)") }
            try await _Concurrency.Task.sleep(for: .milliseconds(20))
        }
        throw CohortError("the benchmark coordinator did not start listening")
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    // MARK: Heart study in processes

    static func heart(rounds: Int) async throws -> DeployBenchmarkRunCommand.HeartRounds {
        let directory = try temporaryDirectory("heart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let consortium = try provision(sites: hospitals, in: directory)
        let config = consortium.coordinatorKit.appendingPathComponent(KitFile.coordinatorConfig)
        try """
        listen: 127.0.0.1:0
        certificate: coordinator.crt
        key: coordinator.key
        ca: ca.crt
        revocations: revocations.txt
        database: coordinator.sqlite
        study:
          id: heart
          dataset: heart-disease
          rounds: \(rounds)
          seed: 42
          sites: [\(hospitals.joined(separator: ", "))]

        """.write(to: config, atomically: true, encoding: .utf8)
        let portFile = directory.appendingPathComponent("port")
        let output = directory.appendingPathComponent("run.json")
        let clock = ContinuousClock()
        let start = clock.now
        let coordinator = try launch(
            ["coordinator", "--config", config.path, "--port-file", portFile.path, "--output", output.path, "--quiet"],
            in: directory, log: "coordinator")
        var processes = [coordinator]
        defer { for process in processes where process.isRunning { process.terminate() } }
        let port = try await waitForPort(portFile, process: coordinator)
        for site in hospitals {
            processes.append(
                try launch(
                    [
                        "site", "--config", consortium.siteKits[site]!.appendingPathComponent(KitFile.siteConfig).path,
                        "--data", "heart-disease", "--coordinator", "127.0.0.1:\(port)"
                    ], in: directory, log: site))
        }
        while coordinator.isRunning { try await _Concurrency.Task.sleep(for: .milliseconds(10)) }
        let wall = (clock.now - start).inSeconds
        guard coordinator.terminationStatus == 0 else {
            let log = (try? String(contentsOf: directory.appendingPathComponent("coordinator.log"), encoding: .utf8)) ?? ""
            throw CohortError("the benchmark coordinator failed: \(log.split(separator: "\n").last ?? "")")
        }
        let report = try JSONOutput.decoder.decode(RunReport.self, from: Data(contentsOf: output))
        let seconds = report.rounds.map(\.seconds)
        let steady = Array(seconds.dropFirst())
        return .init(
            rounds: rounds, siteProcesses: hospitals.count, firstRoundSeconds: seconds.first ?? 0,
            meanSecondsPerRound: steady.reduce(0, +) / Double(max(steady.count, 1)), medianSecondsPerRound: median(steady),
            maxSecondsPerRound: steady.max() ?? 0, wallSeconds: wall, modelChecksum: report.final.modelChecksum)
    }

    // MARK: Many sites, larger model

    /// A coordinator in this process and site agents (in this process, or in a child when
    /// memory is measured) that answer at once: what is left of a round is the protocol.
    static func syntheticStudy(
        sites count: Int, parameters: Int, rounds: Int, sitesInChild: Bool, store: Bool, chunkBytes: Int,
        vectorLane: Bool, verbose: Bool = false
    ) async throws -> (roundSeconds: [Double], baseline: Int) {
        AllocatorTuning.prepare(forModelBytes: parameters * 4)  // as `cohort coordinator` does
        var limits = ProtocolLimits()
        limits.chunkBytes = chunkBytes
        let names = (1...count).map { "site-\($0)" }
        let directory = try temporaryDirectory("synthetic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let consortium = try provision(sites: names, in: directory)
        let (credentials, siteCredentials) = try self.credentials(of: consortium, sites: sitesInChild ? [] : names)
        let study = StudyDescription(
            studyID: "synthetic", model: .logisticRegression, seed: 1, exampleShape: Shape([1]), task: .binary,
            parameterCount: parameters, schemaSHA256: nil, rounds: rounds)
        let server = try deployment {
            try CoordinatorServer(
                options: .init(
                    listen: NetworkAddress(host: "127.0.0.1", port: 0), credentials: credentials,
                    revocations: nil, limits: limits, study: study, minimumSites: count,
                    roundDeadlineSeconds: 3600,
                    vectorLane: vectorLane ? NetworkAddress(host: "127.0.0.1", port: 0) : nil),
                log: verbose ? EventLog(component: "coordinator") : .silent)
        }
        let port = try await server.start()
        var agents: [_Concurrency.Task<Void, Never>] = []
        var swarm: Process?
        defer { swarm?.terminate() }
        if sitesInChild {
            swarm = try launch(
                [
                    "bench", "deploy", "swarm", "--kits", directory.appendingPathComponent("consortium/sites").path,
                    "--sites", names.joined(separator: ","), "--params", "\(parameters)", "--coordinator", "127.0.0.1:\(port)"
                ],
                in: directory, log: "swarm")
        } else {
            let delta = [Float](repeating: 0.001, count: parameters)
            for (name, siteCredentials) in zip(names, siteCredentials) {
                let agent = SiteAgent(
                    options: .init(coordinator: NetworkAddress(host: "127.0.0.1", port: port), credentials: siteCredentials),
                    worker: SyntheticWorker(delta: delta, exampleShape: Shape([1])),
                    log: verbose ? EventLog(component: name) : .silent)
                agents.append(_Concurrency.Task { _ = try? await agent.run() })
            }
        }
        let baseline = ProcessMemory.currentResidentBytes() ?? ProcessMemory.peakResidentBytes()
        ProcessMemory.resetPeak()
        let configuration = StudyConfiguration(
            studyID: "synthetic", rounds: rounds, selection: try SiteSelection(minimumSites: count),
            training: TrainingInstructions(localSteps: 1, batchSize: 1, optimizer: .sgd(learningRate: 0.1)),
            evaluateEvery: 0, roundDeadlineSeconds: 3600, seed: 1)
        let persistence = store ? try SQLiteStudyStore(path: directory.appendingPathComponent("bench.sqlite").path, keepCheckpoints: 1) : nil
        try persistence?.begin(StoredStudy(id: "synthetic", fingerprint: "bench", configuration: "{}"))
        let coordinator = try Coordinator(
            configuration: configuration, strategy: FedAvg(),
            initialParameters: [Float](repeating: 0, count: parameters),
            layout: ParameterLayout([(name: "weights", shape: [parameters])]), transport: server.transport)
        let outcome = try await coordinator.run(roundCompleted: { checkpoint in try persistence?.saveRound(checkpoint) })
        await server.finishStudy(id: "synthetic", rounds: rounds, modelChecksum: "-")
        for agent in agents { await agent.value }
        await server.stop()
        return (outcome.rounds.map(\.seconds), baseline)
    }

    static func overhead(
        sites: Int, parameters: Int, rounds: Int, chunkBytes: Int, comparesGRPC: Bool,
        verbose: Bool
    ) async throws -> DeployBenchmarkRunCommand.Overhead {
        // The best of three: a single loopback measurement on a shared machine has varied from
        // 1.5 to 4.6 GB/s, and a slow yardstick would flatter the ratio.
        let loopback = try (0..<3).map { _ in try LoopbackThroughput.measure() }.max()!
        let tls = try await mutualTLSBytesPerSecond()
        // Round 1 includes the sites connecting; the last round also evaluates.
        func steady(_ seconds: [Double]) -> Double { median(Array(seconds.dropFirst().dropLast())) }
        let (seconds, _) = try await syntheticStudy(
            sites: sites, parameters: parameters, rounds: rounds, sitesInChild: false, store: false,
            chunkBytes: chunkBytes, vectorLane: true, verbose: verbose)
        var grpcRound: Double?
        var floor: Double?
        if comparesGRPC {
            grpcRound = steady(
                try await syntheticStudy(
                    sites: sites, parameters: parameters, rounds: rounds, sitesInChild: false,
                    store: false, chunkBytes: chunkBytes, vectorLane: false, verbose: verbose
                ).roundSeconds)
            // After the rounds, in the same process: in a fresh process the same traffic measured
            // 87-95 ms against 62 ms here, because glibc's malloc had not yet raised its mmap
            // threshold and every 1 MiB buffer was a fresh mapping (the rounds were not affected).
            floor = try await grpcFloorSeconds(sites: sites, parameters: parameters, chunkBytes: chunkBytes, rounds: rounds)
        }
        let round = steady(seconds)
        let bytes = sites * parameters * 4 * 2
        let toMove = Double(bytes) / loopback
        let toMoveOverTLS = Double(bytes) / tls
        return .init(
            sites: sites, parameters: parameters, bytesPerRound: bytes, medianRoundSeconds: round,
            loopbackBytesPerSecond: loopback, secondsToMoveBytes: toMove, ratio: round / toMove,
            mutualTLSBytesPerSecond: tls, secondsToMoveBytesOverMutualTLS: toMoveOverTLS, ratioToMutualTLS: round / toMoveOverTLS,
            grpcRoundSeconds: grpcRound, grpcFloorSeconds: floor)
    }

    /// One mutual-TLS connection between a coordinator's and a site's certificates of a
    /// consortium provisioned for it: the best of three runs, like the plain-TCP yardstick.
    static func mutualTLSBytesPerSecond() async throws -> Double {
        let directory = try temporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let consortium = try provision(sites: ["yardstick"], in: directory)
        let (server, clients) = try credentials(of: consortium, sites: ["yardstick"])
        var best = 0.0
        for _ in 0..<3 { best = max(best, try await MutualTLSLoopback.measure(server: server, client: clients[0])) }
        return best
    }

    /// The median round of the same traffic through gRPC alone (`GRPCLoopback`), on a
    /// consortium provisioned for it.
    static func grpcFloorSeconds(sites: Int, parameters: Int, chunkBytes: Int, rounds: Int) async throws -> Double {
        let directory = try temporaryDirectory("grpc-floor")
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = (1...sites).map { "site-\($0)" }
        let consortium = try provision(sites: names, in: directory)
        let (server, clients) = try credentials(of: consortium, sites: names)
        return try await GRPCLoopback.secondsPerRound(
            server: server, sites: clients, bytesPerSite: parameters * 4,
            chunkBytes: chunkBytes, rounds: rounds)
    }

    static func memory(sites: Int, parameters: Int, rounds: Int, chunkBytes: Int, vectorLane: Bool) async throws -> DeployBenchmarkRunCommand.Memory {
        let (seconds, baseline) = try await syntheticStudy(
            sites: sites, parameters: parameters, rounds: rounds, sitesInChild: true, store: true,
            chunkBytes: chunkBytes, vectorLane: vectorLane)
        let peak = ProcessMemory.peakResidentBytes()
        let model = parameters * 4
        return .init(
            sites: sites, parameters: parameters, modelBytes: model, peakResidentBytes: peak, baselineResidentBytes: baseline,
            ratioToModel: Double(peak) / Double(model), medianRoundSeconds: median(seconds))
    }
}
