import ArgumentParser
import Federation
import Foundation
import Learning
import Privacy

/// `cohort bench secagg`: one full SecAgg+ round in process - every client and the
/// coordinator, serially on one core, every message through its wire form - timed as
/// Flower's peer benchmark (`anchors/secagg_bench.py --protocol N P SETTING`) times its own.
struct SecAggBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secagg",
        abstract: "Secure aggregation (SecAgg+) round cost: N clients and the coordinator, serially, in process.")

    @Option(name: .long, help: "Number of clients (N).")
    var clients: Int = 100

    @Option(name: .long, help: "Parameters per update (P); accepts 1e5 notation.")
    var params: String = "1e5"

    @Option(name: .long, help: "Neighbours per client: 'all' (SecAgg's complete graph), 'auto' (the smallest Harary degree for the tolerances), or a number K.")
    var neighbours: String = "auto"

    @Option(name: .long, help: "Fraction of clients that drop out during the round.")
    var dropout: Double = 0

    @Option(
        name: .long,
        help: "When the dropouts happen: advertise (after advertising keys), share (after sharing keys, the costly case), masked (after the masked input).")
    var dropoutStage: String = "share"

    @Option(name: .long, help: "Dropout fraction the graph and threshold must tolerate (default: --dropout).")
    var tolerance: Double?

    @Option(name: .long, help: "Fraction of clients assumed to collude with the coordinator.")
    var corruption: Double = 0.05

    @Option(name: .long, help: "Shamir threshold t (default: from the tolerances; a majority for an explicit K).")
    var threshold: Int?

    @Option(name: .long, help: "Clipping range c (Flower's default is 8).")
    var clip: Double = 8

    @Option(name: .long, help: "Timed rounds (the median round is reported).")
    var repetitions: Int = 1

    @Option(name: .long, help: "Seed of the updates, the graph labelling and the dropout choice (keys use the OS CSPRNG).")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    struct Result: Codable {
        var clients: Int
        var params: Int
        var graph: String
        var neighbours: Int
        var threshold: Int
        var privacyFailureLog2: Double
        var correctnessFailureLog2: Double
        var dropout: Double
        var droppedClients: Int
        var dropoutStage: String
        var repetitions: Int
        /// The whole round: all clients and the coordinator, serially (wall time).
        var roundSeconds: Double
        /// The same round in CPU time: what it costs on an idle core when the machine is busy.
        var roundCpuSeconds: Double
        /// All clients' work together.
        var clientSeconds: Double
        var clientSecondsPerClient: Double
        var serverSeconds: Double
        var uploadBytesPerClient: Double
        var maskedInputBytesPerClient: Double
        var keyMaterialBytesPerClient: Double
        var plainFloat32UpdateBytes: Int
        var uploadRatioToPlainUpdate: Double
        /// Mask stream expanded and added per second by a client (key agreement excluded).
        var maskExpansionGigabytesPerSecond: Double
        /// The unmasked sum equals the plain sum of the survivors' quantized updates.
        var exactSum: Bool
        var maxAbsErrorVsFloatMean: Double
        var meanErrorBound: Double
    }

    func run() throws {
        let parameters = try parseCount(params, flag: "--params")
        guard clients >= 2 else { throw CohortError("--clients must be at least 2") }
        guard repetitions >= 1 else { throw CohortError("--repetitions must be at least 1") }
        guard dropout >= 0, dropout < 1 else { throw CohortError("--dropout must be in [0, 1)") }
        let stage: SecAggSimulation.Dropout
        switch dropoutStage {
        case "advertise": stage = .afterAdvertising
        case "share": stage = .afterSharing
        case "masked": stage = .afterMasking
        default: throw CohortError("--dropout-stage must be advertise, share or masked, got '\(dropoutStage)'")
        }
        let plan = try makePlan(tolerance: tolerance ?? dropout)
        let sites = (0..<clients).map { SiteID(String(format: "client-%04d", $0)) }
        let setup = SecAggSetup(
            round: SecAggRound(study: "bench", round: 1), participants: sites, parameterCount: parameters,
            plan: plan, graphSeed: seed,
            quantization: .automatic(clipRange: clip, participants: clients, weighting: .bySamples(cap: 1000)))
        // Updates as Flower's benchmark draws them: uniform in [-1, 1], 100 examples each.
        var generator = SeededGenerator(seed: seed, stream: 0xBE9C)
        var inputs: [SiteID: SecAggInput] = [:]
        for site in sites {
            inputs[site] = .init(update: (0..<parameters).map { _ in generator.nextFloat(in: -1..<1) }, sampleCount: 100)
        }
        let droppedCount = Int((dropout * Double(clients)).rounded(.down))
        let dropouts = Dictionary(uniqueKeysWithValues: generator.permutation(clients).prefix(droppedCount).map { (sites[$0], stage) })

        var reports: [SecAggSimulation.Report] = []
        for _ in 0..<repetitions {
            do {
                reports.append(
                    try SecAggSimulation.run(
                        setup: setup, inputs: inputs, entropy: { _ in .system() },
                        dropouts: dropouts))
            } catch {
                throw CohortError("the round failed: \(error)")
            }
        }
        let report = reports.sorted { $0.roundSeconds < $1.roundSeconds }[reports.count / 2]
        print(try describe(report, plan: plan, setup: setup, inputs: inputs, dropped: droppedCount))
    }

    private func makePlan(tolerance: Double) throws -> SecAggGraphPlan {
        switch neighbours {
        case "all":
            return try SecAggGraphPlan.harary(clients: clients, degree: clients - 1, threshold: threshold, dropout: tolerance, corruption: corruption)
        case "auto":
            guard threshold == nil else { throw CohortError("--threshold needs an explicit --neighbours K or all") }
            return try SecAggGraphPlan.automatic(clients: clients, dropout: tolerance, corruption: corruption)
        default:
            guard let k = Int(neighbours), k >= 2 else { throw CohortError("--neighbours must be all, auto or a number >= 2, got '\(neighbours)'") }
            return try SecAggGraphPlan.harary(clients: clients, degree: k, threshold: threshold, dropout: tolerance, corruption: corruption)
        }
    }

    private func describe(
        _ report: SecAggSimulation.Report, plan: SecAggGraphPlan, setup: SecAggSetup,
        inputs: [SiteID: SecAggInput], dropped: Int
    ) throws -> String {
        let sum = report.sum
        let exact = report.referenceSum == sum.values + [sum.totalWeight]
        var floatMean = [Double](repeating: 0, count: setup.parameterCount)
        let c = Float(setup.quantization.clipRange)
        for site in sum.contributors {
            let update = inputs[site]!.update
            for j in floatMean.indices { floatMean[j] += Double(min(max(update[j], -c), c)) }
        }
        let mean = sum.weightedMean()
        var maxError = 0.0
        for j in floatMean.indices { maxError = max(maxError, abs(Double(mean[j]) - floatMean[j] / Double(sum.contributors.count))) }

        // Per contributing client: everything it sent, and its masked input alone.
        let contributors = sum.contributors
        let upload = Double(contributors.reduce(0) { $0 + report.uploadBytes[$1, default: 0] }) / Double(contributors.count)
        let masked = Double(contributors.reduce(0) { $0 + report.maskedInputBytes[$1, default: 0] }) / Double(contributors.count)
        let plainBytes = 4 * setup.parameterCount
        let degree: Int
        switch plan.shape {
        case .complete: degree = clients - 1
        case .harary(let k): degree = min(k, clients - 1)
        }
        let result = Result(
            clients: clients, params: setup.parameterCount, graph: plan.shape.description, neighbours: degree, threshold: plan.threshold,
            privacyFailureLog2: plan.privacyFailureLog2, correctnessFailureLog2: plan.correctnessFailureLog2,
            dropout: dropout, droppedClients: dropped, dropoutStage: dropoutStage, repetitions: repetitions,
            roundSeconds: report.roundSeconds, roundCpuSeconds: report.roundCPUSeconds, clientSeconds: report.clientSeconds,
            clientSecondsPerClient: report.clientSeconds / Double(clients), serverSeconds: report.serverSeconds,
            uploadBytesPerClient: upload, maskedInputBytesPerClient: masked, keyMaterialBytesPerClient: upload - masked,
            plainFloat32UpdateBytes: plainBytes, uploadRatioToPlainUpdate: upload / Double(plainBytes),
            maskExpansionGigabytesPerSecond: report.clientMaskSeconds > 0 ? Double(report.clientMaskBytes) / report.clientMaskSeconds / 1e9 : 0,
            exactSum: exact, maxAbsErrorVsFloatMean: maxError, meanErrorBound: sum.meanErrorBound)
        if json { return try JSONOutput.string(result) }
        func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        func e(_ value: Double) -> String { String(format: "%.2e", value) }
        return "secagg N=\(result.clients) P=\(result.params), \(result.graph), t=\(result.threshold), "
            + "\(result.droppedClients) dropped (\(result.dropoutStage)): round_seconds \(f(result.roundSeconds)) (CPU \(f(result.roundCpuSeconds))), "
            + "client_seconds \(f(result.clientSeconds)) (\(f(result.clientSecondsPerClient * 1000, 2)) ms per client), "
            + "server_seconds \(f(result.serverSeconds)), upload_bytes_per_client \(f(result.uploadBytesPerClient, 0)) "
            + "(\(f(result.uploadRatioToPlainUpdate))x the float32 update; masked input \(f(result.maskedInputBytesPerClient, 0)), "
            + "keys and shares \(f(result.keyMaterialBytesPerClient, 0))), mask expansion \(f(result.maskExpansionGigabytesPerSecond, 2)) GB/s per client, "
            + "exact sum \(result.exactSum ? "yes" : "NO"), max |mean error| \(e(result.maxAbsErrorVsFloatMean)) (bound \(e(result.meanErrorBound)))"
    }
}
