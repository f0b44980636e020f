import Learning

/// Runs a study: each round it samples sites, sends them the global model, folds their
/// updates into a running aggregate as they arrive, lets the strategy step the model, and
/// evaluates on schedule.
///
/// Updates are folded in the participants' canonical order (an early arrival waits until
/// those before it are in or have failed), so the result does not depend on which site
/// happens to finish first: the same seed gives the same bits.
public actor Coordinator {
    public let configuration: StudyConfiguration
    private var strategy: any Strategy
    private var rule: any AggregationRule
    private let transport: any Transport
    public private(set) var globalParameters: [Float]
    private let layout: ParameterLayout
    private let centralModel: Model?
    private let centralTestSets: [(name: String, data: Dataset)]
    private var records: [RoundRecord]
    private var monitor: SiteMonitor?
    /// The last round's aggregate change: the reference direction the monitor compares against.
    private var previousAggregate: [Float]?
    /// Set: sites keep their updates and the round's aggregate comes from a secure sum.
    private let secureSummation: (any SecureSummation)?

    public init(configuration: StudyConfiguration, strategy: any Strategy, rule: any AggregationRule = WeightedMean(),
                initialParameters: [Float], layout: ParameterLayout, transport: any Transport,
                centralEvaluation: CentralEvaluation? = nil, monitor: SiteMonitor? = nil,
                secureSummation: (any SecureSummation)? = nil) throws {
        try self.init(configuration: configuration, strategy: strategy, rule: rule, initialParameters: initialParameters,
                      layout: layout, transport: transport, centralEvaluation: centralEvaluation, monitor: monitor,
                      history: [], previousAggregate: nil, secureSummation: secureSummation)
    }

    private init(configuration: StudyConfiguration, strategy: any Strategy, rule: any AggregationRule,
                 initialParameters: [Float], layout: ParameterLayout, transport: any Transport,
                 centralEvaluation: CentralEvaluation?, monitor: SiteMonitor?,
                 history: [RoundRecord], previousAggregate: [Float]?, secureSummation: (any SecureSummation)?) throws {
        records = history
        self.secureSummation = secureSummation
        try StudyCompatibility.check(strategy: strategy, rule: rule, monitoring: monitor != nil,
                                     secureAggregation: secureSummation != nil, minimumSites: configuration.selection.minimumSites)
        self.previousAggregate = previousAggregate
        precondition(initialParameters.count == layout.count, "initial parameters do not match the layout")
        self.configuration = configuration
        self.strategy = strategy
        self.rule = rule
        self.monitor = monitor
        self.transport = transport
        self.globalParameters = initialParameters
        self.layout = layout
        if let central = centralEvaluation, let first = central.testSets.values.first {
            centralModel = try Model(spec: central.model, inputShape: first.exampleShape, task: first.task, seed: configuration.seed)
            centralTestSets = central.testSets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        } else {
            centralModel = nil
            centralTestSets = []
        }
    }

    /// Continues a study from a checkpoint. `strategy` and `rule` must be the ones the study
    /// was started with (their names are checked); their state is restored from the checkpoint.
    public init(resuming checkpoint: CoordinatorCheckpoint, strategy: any Strategy, rule: any AggregationRule = WeightedMean(),
                transport: any Transport, centralEvaluation: CentralEvaluation? = nil,
                secureSummation: (any SecureSummation)? = nil) throws {
        guard strategy.name == checkpoint.strategyName else {
            throw StateMismatch("the checkpoint was written by strategy \(checkpoint.strategyName), not \(strategy.name)")
        }
        guard rule.name == checkpoint.ruleName else {
            throw StateMismatch("the checkpoint was written with the \(checkpoint.ruleName) rule, not \(rule.name)")
        }
        guard checkpoint.globalParameters.count == checkpoint.layout.count else {
            throw StateMismatch("the checkpoint's model has \(checkpoint.globalParameters.count) values, its layout \(checkpoint.layout.count)")
        }
        var strategy = strategy
        try strategy.restore(checkpoint.strategy)
        var rule = rule
        try rule.restore(checkpoint.rule)
        try self.init(configuration: checkpoint.configuration, strategy: strategy, rule: rule,
                      initialParameters: checkpoint.globalParameters, layout: checkpoint.layout, transport: transport,
                      centralEvaluation: centralEvaluation, monitor: checkpoint.monitor,
                      history: checkpoint.rounds, previousAggregate: checkpoint.previousAggregate,
                      secureSummation: secureSummation)
    }

    /// The study's state after the last completed round.
    public func checkpoint() -> CoordinatorCheckpoint {
        CoordinatorCheckpoint(configuration: configuration, layout: layout, rounds: records, globalParameters: globalParameters,
                              strategyName: strategy.name, strategy: strategy.state, ruleName: rule.name, rule: rule.state,
                              monitor: monitor, previousAggregate: previousAggregate)
    }

    /// Runs every remaining round and returns the study's record. `roundCompleted` receives
    /// the checkpoint after each round, before the next starts: where persistence writes it,
    /// so a crash loses at most the round in progress.
    public func run(observer: @escaping @Sendable (StudyEvent) -> Void = { _ in },
                    roundCompleted: (@Sendable (CoordinatorCheckpoint) async throws -> Void)? = nil) async throws -> StudyOutcome {
        while records.count < configuration.rounds {
            let round = records.count + 1
            let record = await runRound(round, observer: observer)
            records.append(record)
            if let roundCompleted { try await roundCompleted(checkpoint()) }
            observer(.roundFinished(record))
        }
        return StudyOutcome(strategy: strategy.name, rounds: records, finalParameters: strategy.deployable(globalParameters), layout: layout)
    }

    private func runRound(_ round: Int, observer: @escaping @Sendable (StudyEvent) -> Void) async -> RoundRecord {
        let clock = ContinuousClock()
        let start = clock.now
        let available = await transport.availableSites().filter { !(monitor?.isQuarantined($0) ?? false) }
        guard let participants = configuration.selection.participants(from: available, round: round, seed: configuration.seed) else {
            return RoundRecord(round: round, participants: [], contributors: [], stragglers: [],
                               failures: [SiteFailure(site: "coordinator", reason: "only \(available.count) sites available, \(configuration.selection.minimumSites) needed")],
                               rejections: [], accepted: false, meanTrainingLoss: nil,
                               seconds: (clock.now - start).inSeconds, evaluation: nil)
        }
        observer(.roundStarted(round: round, participants: participants))

        let global = globalParameters
        let sealed = secureSummation != nil
        let requests = participants.map { site in
            TrainingRequest(study: configuration.studyID, round: round, globalParameters: global,
                            instructions: strategy.instructions(for: round, site: site, base: configuration.training), sealed: sealed,
                            answerVectors: strategy.sentVectors)
        }
        let check = UpdateCheck(study: configuration.studyID, round: round, parameterCount: global.count,
                                vectors: strategy.sentVectors, sealed: sealed)
        var failures: [SiteFailure] = []
        var observations: [UpdateObservation] = []
        var privacy: [SitePrivacy] = []
        let reference = previousAggregate.map { (values: $0, norm: VectorMath.norm($0)) }
        let watching = monitor != nil
        var aggregator: any RoundAggregator
        let context = RoundContext(round: round, globalParameters: global, instructions: configuration.training,
                                   weighting: strategy.weighting, vectors: strategy.sentVectors)
        do {
            aggregator = sealed ? SealedRound() : try rule.makeAggregator(for: context)
        } catch {
            return RoundRecord(round: round, participants: participants, contributors: [], stragglers: [],
                               failures: [SiteFailure(site: "coordinator", reason: "cannot aggregate: \(error)")],
                               rejections: [], accepted: false, meanTrainingLoss: nil,
                               seconds: (clock.now - start).inSeconds, evaluation: nil)
        }
        var rejections: [SiteFailure] = []

        let transport = transport
        let outcome = await gather(participants: participants, deadlineSeconds: configuration.roundDeadlineSeconds) { index in
            try await transport.train(requests[index], at: participants[index])
        } accept: { index, result in
            let site = participants[index]
            switch result {
            case .success(let update):
                do throws(UpdateRejection) {
                    try check.validate(update, from: site)
                    if let spend = update.privacy {
                        privacy.append(SitePrivacy(site: site, spend: spend, cumulativeEpsilon: update.cumulativeEpsilon))
                    }
                    if watching {
                        let measured: (norm: Double, cosine: Double?)
                        do { measured = try VectorMath.normAndCosine(of: update, to: reference) } catch {
                            throw UpdateRejection.unreadable(String(describing: error))
                        }
                        observations.append(UpdateObservation(site: site, norm: measured.norm, cosineToPreviousAggregate: measured.cosine))
                    }
                    return update
                } catch {
                    let failure = SiteFailure(site: site, reason: error.description)
                    rejections.append(failure)
                    observer(.updateRejected(round: round, failure))
                    return nil
                }
            case .failure(let error):
                let failure = SiteFailure(site: site, reason: String(describing: error))
                failures.append(failure)
                observer(.siteFailed(round: round, failure))
                return nil
            }
        } fold: { update in
            do {
                // A rule that needs whole updates gets this one in memory now, the only one at a time.
                try aggregator.fold(aggregator.foldsDeferredUpdates ? update : update.resolved())
            } catch {
                failures.append(SiteFailure(site: update.site, reason: "could not be aggregated: \(error)"))
            }
        }

        if var probing = aggregator as? any ProbingAggregator {
            await probe(&probing, round: round, instructions: requests.first?.instructions ?? configuration.training,
                        failures: &failures, observer: observer)
            aggregator = probing
        }
        var secureAggregate: RoundAggregate?
        if let secureSummation, var sealedRound = aggregator as? SealedRound,
           sealedRound.contributors.count >= configuration.selection.minimumSites {
            secureAggregate = await secureSum(using: secureSummation, of: &sealedRound, context: context, failures: &failures)
            aggregator = sealedRound
        }
        let contributors = aggregator.contributors
        var accepted = contributors.count >= configuration.selection.minimumSites
        var meanLoss: Double?
        if accepted {
            do {
                let aggregate = try secureAggregate ?? aggregator.finish()
                meanLoss = aggregate.meanTrainingLoss
                if watching { previousAggregate = aggregate.meanDelta }
                strategy.apply(aggregate, to: &globalParameters, population: available.count)
                rule.roundFinished(aggregate)
            } catch {
                accepted = false
                failures.append(SiteFailure(site: "coordinator", reason: "aggregation failed: \(error); the model is unchanged"))
            }
        } else {
            failures.append(SiteFailure(site: "coordinator",
                                        reason: "only \(contributors.count) of \(participants.count) sites contributed, \(configuration.selection.minimumSites) needed; the model is unchanged"))
        }

        var anomalies: [SiteAnomaly] = []
        var quarantined: [SiteID] = []
        if var monitor {
            let (evidence, events) = monitor.record(round: round, observations, rejected: rejections.map(\.site))
            self.monitor = monitor
            anomalies = evidence.map { SiteAnomaly(site: $0.key, evidence: $0.value) }.sorted { $0.site < $1.site }
            for event in events {
                quarantined.append(event.site)
                observer(.siteQuarantined(event))
            }
        }

        let evaluation = configuration.evaluates(after: round) ? await evaluate(round: round, sites: available) : nil
        return RoundRecord(round: round, participants: participants, contributors: contributors,
                           stragglers: outcome.stragglers.map { participants[$0] },
                           failures: failures, rejections: rejections, accepted: accepted,
                           meanTrainingLoss: meanLoss, seconds: (clock.now - start).inSeconds, evaluation: evaluation,
                           anomalies: anomalies, quarantined: quarantined, privacy: privacy)
    }

    /// The secure sum of a round whose sites kept their updates: the rule turns the revealed
    /// sum into the aggregate. Sites that drop out of the sum leave the contributors; a sum
    /// that cannot be recovered leaves none (the round is then not accepted).
    private func secureSum(using summation: any SecureSummation, of round: inout SealedRound, context: RoundContext,
                           failures: inout [SiteFailure]) async -> RoundAggregate? {
        guard let rule = rule as? any SummableRule else { return nil }
        let request = SecureSumRequest(
            study: configuration.studyID, round: context.round, participants: round.contributors,
            sampleCounts: Dictionary(uniqueKeysWithValues: round.receipts.map { ($0.site, $0.sampleCount) }),
            parameterCount: context.globalParameters.count, summands: rule.summands(for: context),
            minimumContributors: configuration.selection.minimumSites, deadlineSeconds: configuration.roundDeadlineSeconds,
            seed: configuration.seed)
        let transport = transport
        let sum: SecureSum
        do {
            sum = try await summation.sum(request) { site, message in try await transport.exchange(message, at: site) }
        } catch {
            round.keep(only: [])
            failures.append(SiteFailure(site: "coordinator", reason: "secure aggregation failed: \(error); nothing was revealed"))
            return nil
        }
        failures += sum.failures
        round.keep(only: sum.contributors)
        guard round.contributors.count >= configuration.selection.minimumSites else { return nil }
        do {
            return try rule.aggregate(sum, receipts: round.receipts, context: context)
        } catch {
            round.keep(only: [])
            failures.append(SiteFailure(site: "coordinator", reason: "the secure sum could not be aggregated: \(error)"))
            return nil
        }
    }

    /// The probe stage of a probing rule (RECESS): each contributor trains again from the model
    /// the rule chose for it; answers are validated like updates and handed back to the rule.
    private func probe(_ aggregator: inout any ProbingAggregator, round: Int, instructions: TrainingInstructions,
                       failures: inout [SiteFailure], observer: @escaping @Sendable (StudyEvent) -> Void) async {
        let probes: [(site: SiteID, parameters: [Float])]
        do { probes = try aggregator.probes() } catch {
            failures.append(SiteFailure(site: "coordinator", reason: "probe stage failed: \(error)"))
            return
        }
        let sites = probes.map(\.site)
        let requests = probes.map { TrainingRequest(study: configuration.studyID, round: round, globalParameters: $0.parameters,
                                                    instructions: instructions) }
        let check = UpdateCheck(study: configuration.studyID, round: round, parameterCount: globalParameters.count)
        let transport = transport
        var collected: [SiteUpdate] = []
        var problems: [SiteFailure] = []
        _ = await gather(participants: sites, deadlineSeconds: configuration.roundDeadlineSeconds) { index in
            try await transport.train(requests[index], at: sites[index])
        } accept: { index, result -> SiteUpdate? in
            switch result {
            case .success(let answer):
                do throws(UpdateRejection) {
                    try check.validate(answer, from: sites[index])
                    return answer
                } catch {
                    problems.append(SiteFailure(site: sites[index], reason: "probe answer rejected: \(error.description)"))
                    return nil
                }
            case .failure(let error):
                problems.append(SiteFailure(site: sites[index], reason: "probe failed: \(error)"))
                return nil
            }
        } fold: { answer in
            collected.append(answer)
        }
        for answer in collected { aggregator.record(response: answer) }
        failures += problems
    }

    /// Sites currently quarantined by the monitor, with the evidence.
    public var quarantinedSites: [QuarantineEvent] {
        (monitor?.quarantined.values).map { Array($0).sorted { $0.site < $1.site } } ?? []
    }

    /// An operator lets a quarantined site take part again from the next round.
    @discardableResult
    public func reinstate(_ site: SiteID) -> Bool {
        monitor?.reinstate(site) ?? false
    }

    /// Evaluates the current global model at every available site and on the central test sets.
    /// After the last round the sites also return their validation statistics (score
    /// histograms), kept with the round's record for the clinical validation report.
    public func evaluate(round: Int, sites: [SiteID]) async -> RoundEvaluation {
        let deployed = strategy.deployable(globalParameters)
        let request = EvaluationRequest(study: configuration.studyID, round: round, globalParameters: deployed,
                                        validationBins: round == configuration.rounds ? ValidationStatistics.defaultBinCount : nil)
        var reports: [EvaluationReport] = []
        var failures: [SiteFailure] = []
        let transport = transport
        let outcome = await gather(participants: sites, deadlineSeconds: configuration.roundDeadlineSeconds) { index in
            try await transport.evaluate(request, at: sites[index])
        } accept: { index, result in
            switch result {
            case .success(let report) where report.site == sites[index]: return report
            case .success(let report):
                failures.append(SiteFailure(site: sites[index], reason: "evaluation report claims to come from \(report.site)"))
            case .failure(let error):
                failures.append(SiteFailure(site: sites[index], reason: String(describing: error)))
            }
            return nil
        } fold: { report in
            reports.append(report)
        }
        failures += outcome.stragglers.map { SiteFailure(site: sites[$0], reason: "no evaluation report before the deadline") }
        var central: [String: EvaluationMetrics] = [:]
        if let centralModel {
            centralModel.parameters = deployed
            for set in centralTestSets { central[set.name] = centralModel.evaluate(on: set.data) }
        }
        return RoundEvaluation(sites: reports, central: central, failures: failures)
    }
}

/// A study that cannot start as configured.
public enum CoordinatorError: Error, Equatable, CustomStringConvertible {
    case incompatible(String)

    public var description: String {
        switch self {
        case .incompatible(let text): text
        }
    }
}
