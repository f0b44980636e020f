import Learning

/// Runs a study: each round it samples sites, sends them the global model, folds their
/// updates into a running aggregate as they arrive, lets the strategy step the model, and
/// evaluates on schedule.
///
/// Updates are folded in the participants' canonical order (an early arrival waits until
/// those before it are in or have failed), so the result does not depend on which site
/// happens to finish first: the same seed gives the same bits.
///
/// ```swift
/// let model = try Model(spec: .logisticRegression, inputShape: Shape(13), task: .binary, seed: 42)
/// let coordinator = try Coordinator(configuration: configuration, strategy: FedAvg(),
///                                   initialParameters: model.parameters, layout: model.layout,
///                                   transport: server.transport)   // or any `Transport`
/// let outcome = try await coordinator.run { event in print(event) }
/// ```
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
    /// The coordinator's own trail head, stamped on every training request (`witness(_:)`).
    private var trailHead: (@Sendable () -> TrailHead?)?
    /// Set: sites keep their updates and the round's aggregate comes from a secure sum.
    private let secureSummation: (any SecureSummation)?

    public init(
        configuration: StudyConfiguration, strategy: any Strategy, rule: any AggregationRule = WeightedMean(),
        initialParameters: [Float], layout: ParameterLayout, transport: any Transport,
        centralEvaluation: CentralEvaluation? = nil, monitor: SiteMonitor? = nil,
        secureSummation: (any SecureSummation)? = nil
    ) throws {
        try self.init(
            configuration: configuration, strategy: strategy, rule: rule, initialParameters: initialParameters,
            layout: layout, transport: transport, centralEvaluation: centralEvaluation, monitor: monitor,
            history: [], previousAggregate: nil, secureSummation: secureSummation)
    }

    private init(
        configuration: StudyConfiguration, strategy: any Strategy, rule: any AggregationRule,
        initialParameters: [Float], layout: ParameterLayout, transport: any Transport,
        centralEvaluation: CentralEvaluation?, monitor: SiteMonitor?,
        history: [RoundRecord], previousAggregate: [Float]?, secureSummation: (any SecureSummation)?
    ) throws {
        records = history
        self.secureSummation = secureSummation
        try StudyCompatibility.check(
            strategy: strategy, rule: rule, monitoring: monitor != nil,
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
    public init(
        resuming checkpoint: CoordinatorCheckpoint, strategy: any Strategy, rule: any AggregationRule = WeightedMean(),
        transport: any Transport, centralEvaluation: CentralEvaluation? = nil,
        secureSummation: (any SecureSummation)? = nil
    ) throws {
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
        try self.init(
            configuration: checkpoint.configuration, strategy: strategy, rule: rule,
            initialParameters: checkpoint.globalParameters, layout: checkpoint.layout, transport: transport,
            centralEvaluation: centralEvaluation, monitor: checkpoint.monitor,
            history: checkpoint.rounds, previousAggregate: checkpoint.previousAggregate,
            secureSummation: secureSummation)
    }

    /// The study's state after the last completed round.
    public func checkpoint() -> CoordinatorCheckpoint {
        CoordinatorCheckpoint(
            configuration: configuration, layout: layout, rounds: records, globalParameters: globalParameters,
            strategyName: strategy.name, strategy: strategy.state, ruleName: rule.name, rule: rule.state,
            monitor: monitor, previousAggregate: previousAggregate)
    }

    /// Runs every remaining round and returns the study's record. `roundCompleted` receives
    /// the checkpoint after each round, before the next starts: where persistence writes it,
    /// so a crash loses at most the round in progress.
    public func run(
        observer: @escaping @Sendable (StudyEvent) -> Void = { _ in },
        roundCompleted: (@Sendable (CoordinatorCheckpoint) async throws -> Void)? = nil
    ) async throws -> StudyOutcome {
        while records.count < configuration.rounds {
            let round = records.count + 1
            let record = await runRound(round, observer: observer)
            records.append(record)
            if let roundCompleted { try await roundCompleted(checkpoint()) }
            observer(.roundFinished(record))
        }
        return StudyOutcome(strategy: strategy.name, rounds: records, finalParameters: strategy.deployable(globalParameters), layout: layout)
    }

    /// One round as a pipeline of named phases: select, instruct, gather (with check and
    /// fold), finalize, aggregate and step, monitor, evaluate, record.
    private func runRound(_ round: Int, observer: @escaping @Sendable (StudyEvent) -> Void) async -> RoundRecord {
        let clock = ContinuousClock()
        let start = clock.now
        let available = await transport.availableSites().filter { !(monitor?.isQuarantined($0) ?? false) }
        guard let participants = select(round, from: available) else {
            return RoundRecord(
                round: round, participants: [], contributors: [], stragglers: [], failures: [], rejections: [],
                accepted: false, meanTrainingLoss: nil, seconds: (clock.now - start).inSeconds, evaluation: nil,
                problems: [.tooFewAvailable(available: available.count, needed: configuration.selection.minimumSites)])
        }
        observer(.roundStarted(round: round, participants: participants))
        var state = RoundState(round: round, participants: participants, requests: instruct(round, participants), population: available.count)
        do {
            state.aggregator =
                secureSummation != nil
                ? SealedRound(minimumContributors: configuration.selection.minimumSites)
                : try rule.makeAggregator(for: context(of: round))
        } catch {
            return record(state, start: start, problems: [.aggregationFailed("cannot aggregate: \(error)")], evaluation: nil)
        }
        await gatherUpdates(into: &state, observer: observer)
        let finalization = await state.aggregator!.finalize(with: services(for: round), isolation: self)
        state.failures += finalization.failures
        state.problems += finalization.problems
        step(&state)
        watch(&state, observer: observer)
        let evaluation = configuration.evaluates(after: round) ? await evaluate(round: round, sites: available) : nil
        return record(state, start: start, evaluation: evaluation)
    }

    /// What one round gathers on its way through the pipeline.
    private struct RoundState {
        let round: Int
        let participants: [SiteID]
        let requests: [TrainingRequest]
        /// Sites available this round (the strategy's population).
        let population: Int
        var aggregator: (any RoundAggregator)?
        var failures: [SiteFailure] = []
        var rejections: [SiteFailure] = []
        var problems: [RoundProblem] = []
        var observations: [UpdateObservation] = []
        var privacy: [SitePrivacy] = []
        var witnessed: [WitnessedHead] = []
        var stragglers: [SiteID] = []
        var accepted = false
        var meanLoss: Double?
        var anomalies: [SiteAnomaly] = []
        var quarantined: [SiteID] = []

        init(round: Int, participants: [SiteID], requests: [TrainingRequest], population: Int) {
            self.population = population
            self.round = round
            self.participants = participants
            self.requests = requests
        }
    }

    /// Select: the round's participants, seeded, or nil when too few sites are available.
    private func select(_ round: Int, from available: [SiteID]) -> [SiteID]? {
        configuration.selection.participants(from: available, round: round, seed: configuration.seed)
    }

    /// Instruct: each participant's request, with the strategy's instructions and what its
    /// answer must carry.
    private func instruct(_ round: Int, _ participants: [SiteID]) -> [TrainingRequest] {
        let head = trailHead?()
        return participants.map { site in
            var request = TrainingRequest(
                study: configuration.studyID, round: round, globalParameters: globalParameters,
                instructions: strategy.instructions(for: round, site: site, base: configuration.training),
                sealed: secureSummation != nil, answerVectors: strategy.sentVectors)
            request.coordinatorTrailHead = head
            return request
        }
    }

    /// Sends the head of the coordinator's audit trail with every round's instructions, for
    /// the sites to record: `coordinator.witness { trail.head }`.
    public func witness(_ head: @escaping @Sendable () -> TrailHead?) {
        trailHead = head
    }

    private func context(of round: Int) -> RoundContext {
        RoundContext(
            round: round, globalParameters: globalParameters, instructions: configuration.training,
            weighting: strategy.weighting, vectors: strategy.sentVectors)
    }

    /// Gather, check and fold: every participant's answer, validated as it arrives, folded in
    /// participant order.
    private func gatherUpdates(into state: inout RoundState, observer: @escaping @Sendable (StudyEvent) -> Void) async {
        let round = state.round, participants = state.participants, requests = state.requests
        let check = UpdateCheck(
            study: configuration.studyID, round: round, parameterCount: globalParameters.count,
            vectors: strategy.sentVectors, sealed: secureSummation != nil)
        let reference = previousAggregate.map { (values: $0, norm: VectorMath.norm($0)) }
        let watching = monitor != nil
        let transport = transport
        var aggregator = state.aggregator!
        var failures: [SiteFailure] = [], rejections: [SiteFailure] = []
        var observations: [UpdateObservation] = [], privacy: [SitePrivacy] = []
        var witnessed: [WitnessedHead] = []
        let outcome = await gather(participants: participants, deadlineSeconds: configuration.roundDeadlineSeconds) { index in
            try await transport.train(requests[index], at: participants[index])
        } accept: { index, result in
            let site = participants[index]
            switch result {
            case .success(let update):
                if let head = update.trailHead { witnessed.append(WitnessedHead(site: site, head: head)) }
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
        state.aggregator = aggregator
        state.failures += failures
        state.rejections += rejections
        state.observations += observations
        state.privacy += privacy
        state.witnessed += witnessed
        state.stragglers = outcome.stragglers.map { participants[$0] }
    }

    /// Aggregate and step: enough contributors, and the strategy moves the model by the aggregate.
    private func step(_ state: inout RoundState) {
        let contributors = state.aggregator!.contributors
        let minimum = configuration.selection.minimumSites
        guard contributors.count >= minimum else {
            state.problems.append(.tooFewContributors(contributors: contributors.count, participants: state.participants.count, needed: minimum))
            return
        }
        do {
            let aggregate = try state.aggregator!.finish()
            state.meanLoss = aggregate.meanTrainingLoss
            if monitor != nil { previousAggregate = aggregate.meanDelta }
            strategy.apply(aggregate, to: &globalParameters, population: state.population)
            rule.roundFinished(aggregate)
            state.accepted = true
        } catch {
            state.problems.append(.aggregationFailed("\(error)"))
        }
    }

    /// Monitor: scores the round's updates and quarantines persistent outliers.
    private func watch(_ state: inout RoundState, observer: @escaping @Sendable (StudyEvent) -> Void) {
        guard var monitor else { return }
        let (evidence, events) = monitor.record(round: state.round, state.observations, rejected: state.rejections.map(\.site))
        self.monitor = monitor
        state.anomalies = evidence.map { SiteAnomaly(site: $0.key, evidence: $0.value) }.sorted { $0.site < $1.site }
        for event in events {
            state.quarantined.append(event.site)
            observer(.siteQuarantined(event))
        }
    }

    /// Record: what happened, for progress, run.json, the trail and the checkpoint.
    private func record(
        _ state: RoundState, start: ContinuousClock.Instant, problems: [RoundProblem] = [],
        evaluation: RoundEvaluation?
    ) -> RoundRecord {
        RoundRecord(
            round: state.round, participants: state.participants, contributors: state.aggregator?.contributors ?? [],
            stragglers: state.stragglers, failures: state.failures, rejections: state.rejections, accepted: state.accepted,
            meanTrainingLoss: state.meanLoss, seconds: (ContinuousClock.now - start).inSeconds, evaluation: evaluation,
            anomalies: state.anomalies, quarantined: state.quarantined, privacy: state.privacy,
            problems: state.problems + problems, witnessed: state.witnessed)
    }

    /// What the round's aggregator may ask for before its aggregate is taken: the probe stage
    /// of a probing rule, and the secure sum of a sealed round.
    private func services(for round: Int) -> RoundServices {
        let study = configuration.studyID, deadline = configuration.roundDeadlineSeconds, seed = configuration.seed
        let minimum = configuration.selection.minimumSites, parameterCount = globalParameters.count
        let transport = transport, instructions = configuration.training, summation = secureSummation
        let exchanging = transport as? any SecureExchanging, summable = rule as? any SummableRule
        let context = context(of: round)
        return RoundServices(
            probe: { probes in
                let sites = probes.map(\.site)
                let requests = probes.map { TrainingRequest(study: study, round: round, globalParameters: $0.parameters, instructions: instructions) }
                let check = UpdateCheck(study: study, round: round, parameterCount: parameterCount)
                var collected: [SiteUpdate] = []
                var problems: [SiteFailure] = []
                _ = await gather(participants: sites, deadlineSeconds: deadline) { index in
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
                return (collected, problems)
            },
            secureSum: { receipts in
                guard let summation, let summable, let exchanging else {
                    return (nil, [], .secureAggregationFailed("the coordinator has no secure sum for this rule and transport"), [])
                }
                let request = SecureSumRequest(
                    study: study, round: round, participants: receipts.map(\.site),
                    sampleCounts: Dictionary(uniqueKeysWithValues: receipts.map { ($0.site, $0.sampleCount) }),
                    parameterCount: parameterCount, summands: summable.summands(for: context), minimumContributors: minimum,
                    deadlineSeconds: deadline, seed: seed)
                let sum: SecureSum
                do {
                    sum = try await summation.sum(request) { site, message in try await exchanging.exchange(message, at: site, round: round) }
                } catch {
                    return (nil, [], .secureAggregationFailed("\(error)"), [])
                }
                let kept = receipts.filter { sum.contributors.contains($0.site) }
                guard kept.count >= minimum else { return (nil, sum.failures, nil, kept.map(\.site)) }
                do {
                    return (try summable.aggregate(sum, receipts: kept, context: context), sum.failures, nil, kept.map(\.site))
                } catch {
                    return (nil, sum.failures, .secureAggregationFailed("the secure sum could not be aggregated: \(error)"), [])
                }
            })
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
        let request = EvaluationRequest(
            study: configuration.studyID, round: round, globalParameters: deployed,
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
