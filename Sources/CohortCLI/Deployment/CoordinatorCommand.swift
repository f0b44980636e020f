import ArgumentParser
import Compliance
import Federation
import Foundation
import Learning
import Persistence
import Transport

/// `cohort coordinator --config coordinator.yaml`: runs a study over the consortium's sites.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a federated study as the coordinator: sites dial in over mutual TLS.",
        discussion: """
            The config names the listen address, the coordinator's certificate, key and the CA, the \
            revocation list, the SQLite database and the study (cohort simulate's options in \
            snake_case, plus id, sites and round_deadline_seconds). Every completed round and a \
            checkpoint are stored; started again with the same config and database, the coordinator \
            resumes after the last completed round and ends with the same model as an uninterrupted run.
            """)

    @Option(help: "The coordinator's YAML config (see `cohort provision init`).")
    var config: String

    @Option(help: "Listen on this host:port instead of the config's (port 0 picks a free port).")
    var listen: String?

    @Option(name: .customLong("port-file"), help: "Write the port actually listened on to this file (for scripts and tests).")
    var portFile: String?

    @Option(help: "Write the study's run.json (configuration, rounds, final metrics, model checksum) here at the end.")
    var output: String?

    @Flag(help: "Print only the final table.")
    var quiet = false

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let log = EventLog(component: "coordinator")
        let (settings, study) = try deployment {
            let settings = try CoordinatorConfig.load(URL(fileURLWithPath: config))
            return (settings, try DeploymentStudy.resolve(settings.study))
        }
        if AllocatorTuning.prepare(forModelBytes: study.description.parameterCount * 4) {
            log.info("allocator-compact", ["mmap_threshold_bytes": "\(AllocatorTuning.mmapThresholdBytes)"])
        }
        var address = settings.listen
        if let listen { address = try deployment { try NetworkAddress(parsing: listen) } }
        let credentials = try deployment {
            try Credentials(certificate: settings.certificate, key: settings.key, authority: settings.authority, log: log)
        }
        if let output { try CohortCommand.checkWritable(output, option: "--output") }
        let auditor = try settings.audit.map { audit in
            FederationAuditor(
                trail: try DeployedGovernance.trail(audit, participant: "coordinator", role: .coordinator, config: settings.file),
                study: study.id)
        }
        let store: SQLiteStudyStore
        do {
            store = try SQLiteStudyStore(path: settings.database.path, keepCheckpoints: settings.keepCheckpoints)
            try store.begin(
                StoredStudy(
                    id: study.id, fingerprint: study.fingerprint,
                    configuration: String(decoding: try JSONOutput.encode(study.configuration, pretty: false), as: UTF8.self)))
        } catch let error as StoreError {
            throw CohortError(error.description)
        }
        let checkpoint = try checkpointOrFail(store, log: log)
        BLAS.setThreadCount(1)

        let server = try deployment {
            try CoordinatorServer(
                options: .init(
                    listen: address, credentials: credentials, revocations: settings.revocations, limits: settings.limits,
                    study: study.description, minimumSites: study.configuration.selection.minimumSites,
                    roundDeadlineSeconds: study.configuration.roundDeadlineSeconds,
                    expectedSites: study.expectedSites.map { names in names.map { SiteID($0) } },
                    vectorLane: settings.vectorLane, revocationMemory: settings.revocationMemory),
                log: log,
                events: { event in
                    let kind = SiteEvent.Kind(rawValue: event.kind.rawValue) ?? .disconnected
                    try? store.recordSite(SiteEvent(site: event.site, kind: kind, detail: event.detail))
                })
        }
        let port: Int
        do { port = try await server.start() } catch {
            throw CohortError("cannot listen on \(address): \(error)")
        }
        if let portFile {
            try deployment { try FileWriting.write("\(port)\n", to: URL(fileURLWithPath: portFile)) }
        }
        let printer = ProgressPrinter(quiet: quiet, rounds: study.configuration.rounds)
        if !quiet {
            print("cohort coordinator: study \(study.id) on \(address.host):\(port), consortium \(credentials.identity.consortium)")
            print("  \(study.summary)")
            print("  training plan \(study.plan.planHash) (each site's steward approves it: cohort study plan --config \(config))")
            if let checkpoint {
                print("  resuming after round \(checkpoint.completedRounds) of \(study.configuration.rounds) (database \(settings.database.path))")
            }
        }
        if let lanePort = server.vectorLanePort {
            if !quiet { print("  vector lane on \(settings.vectorLane?.host ?? address.host):\(lanePort)") }
            log.info("vector-lane-listening", ["port": "\(lanePort)"])
        }
        for warning in StudyWarnings.check(study.study) { log.warning("study-warning", ["detail": warning]) }
        log.info(
            "listening",
            [
                "address": "\(address.host):\(port)", "study": study.id,
                "resume_after_round": "\(checkpoint?.completedRounds ?? 0)"
            ])

        let coordinator: Coordinator
        do {
            if let checkpoint {
                coordinator = try Coordinator(
                    resuming: checkpoint, strategy: study.study.makeStrategy(), rule: study.study.makeRule(),
                    transport: server.transport, secureSummation: study.study.makeSecureSummation())
            } else {
                let model = try study.initialModel()
                coordinator = try Coordinator(
                    configuration: study.configuration, strategy: study.study.makeStrategy(), rule: study.study.makeRule(),
                    initialParameters: model.parameters, layout: model.layout, transport: server.transport,
                    monitor: study.study.monitor, secureSummation: study.study.makeSecureSummation())
            }
        } catch {
            await server.stop()
            throw CohortError("cannot start the study: \(error)")
        }
        if let auditor { await coordinator.witness { auditor.head } }
        if checkpoint == nil {
            auditor?.studyCreated(
                planHash: study.plan.planHash, coordinator: "coordinator",
                sites: (study.expectedSites ?? []).map { (name: $0, publicKey: nil, certificateFingerprint: nil) })
        }
        let trainingStart = clock.now
        let outcome: StudyOutcome
        do {
            outcome = try await coordinator.run(
                observer: { event in
                    printer.show(event)
                    Self.logEvent(event, log: log)
                    auditor?.observe(event)
                },
                roundCompleted: { checkpoint in
                    try store.saveRound(checkpoint)
                })
        } catch {
            await server.stop()
            throw CohortError("the study stopped: \(error)")
        }
        do {
            try auditor?.checkHealthy()
            try StudyVerdict.requireAcceptedRound(outcome)
        } catch {
            await server.finishStudy(id: study.id, rounds: outcome.rounds.count, modelChecksum: "")
            await server.stop()
            throw error as? CohortError ?? CohortError("the coordinator's audit trail failed: \(error)")
        }
        guard let evaluation = outcome.finalEvaluation else {
            await server.stop()
            throw CohortError("the study produced no evaluation")
        }
        var report = RunReport(
            study: study.study, rounds: outcome.rounds.map(RunReport.RoundSummary.init),
            final: RunReport.FinalSummary(RunReport.EvaluationSummary(evaluation), parameters: outcome.finalParameters))
        report.command = ["cohort"] + Array(CommandLine.arguments.dropFirst())
        report.config.data = "sites"
        report.config.sites = Array(Set(outcome.rounds.flatMap(\.participants).map(\.name))).sorted()
        let end = clock.now
        report.timings = RunReport.Timings(
            totalSeconds: (end - started).inSeconds, loadSeconds: (trainingStart - started).inSeconds,
            trainingSeconds: (end - trainingStart).inSeconds)
        try? store.finish(modelChecksum: report.final.modelChecksum, at: Date())
        // The final model beside the database, for `cohort report validation --database`.
        let modelPath = SavedModel.path(beside: settings.database.path)
        do {
            let saved = SavedModel(
                study: study.study, runtime: .deployment, data: nil, sites: report.config.sites,
                parameters: outcome.finalParameters,
                privacy: .init(
                    study: study.study, rounds: outcome.rounds,
                    centralEpsilon: try PrivacyPlan(study: study.study, privacyBudget: nil).centralEpsilon()))
            try FileWriting.write(Array(try saved.encoded()), to: URL(fileURLWithPath: modelPath), mode: FileWriting.privateMode)
        } catch {
            // The study is done and stored; a model file that could not be written is not a reason to fail it.
            log.warning("model-not-saved", ["path": modelPath, "reason": "\(error)"])
        }
        await server.finishStudy(id: study.id, rounds: outcome.rounds.count, modelChecksum: report.final.modelChecksum)
        // Let the sites receive the announcement before the connections close.
        try? await _Concurrency.Task.sleep(for: .milliseconds(200))
        await server.stop()
        printer.finalTable(report)
        log.info("study-finished", ["study": study.id, "rounds": "\(outcome.rounds.count)", "model_checksum": report.final.modelChecksum])
        if let output {
            // run.json names the final model's checksum and every round's metrics: the
            // coordinator's files are its operator's alone (0600), as its database is.
            try deployment { try FileWriting.write(Array(try JSONOutput.encode(report)), to: URL(fileURLWithPath: output), mode: FileWriting.privateMode) }
            if !quiet { print("wrote \(output)") }
        }
    }

    /// The checkpoint to resume from. One whose digest does not match is refused (logged with
    /// its round) and the one before it used; none left to trust ends the command.
    private func checkpointOrFail(_ store: SQLiteStudyStore, log: EventLog) throws -> CoordinatorCheckpoint? {
        do {
            let (checkpoint, refused) = try store.latestVerifiedCheckpoint()
            for reason in refused {
                log.error("checkpoint-refused", ["reason": reason, "resuming_after_round": "\(checkpoint?.completedRounds ?? 0)"])
            }
            return checkpoint
        } catch {
            throw CohortError("cannot read the checkpoint in \(store.path): \(error)")
        }
    }

    static func logEvent(_ event: StudyEvent, log: EventLog) {
        switch event {
        case .roundStarted(let round, let participants):
            log.info("round-started", ["round": "\(round)", "participants": participants.map(\.name).joined(separator: ",")])
        case .updateRejected(let round, let failure):
            log.warning("update-rejected", ["round": "\(round)", "site": failure.site.name, "reason": failure.reason])
        case .siteFailed(let round, let failure):
            log.warning("site-left-out", ["round": "\(round)", "site": failure.site.name, "reason": failure.reason])
        case .roundFinished(let record):
            log.info(
                "round-finished",
                [
                    "round": "\(record.round)", "accepted": "\(record.accepted)",
                    "contributors": record.contributors.map(\.name).joined(separator: ","),
                    "stragglers": record.stragglers.map(\.name).joined(separator: ","),
                    "seconds": String(format: "%.4f", record.seconds)
                ])
        case .siteQuarantined(let event):
            log.warning("site-quarantined", ["round": "\(event.round)", "site": event.site.name])
        }
    }
}
