import Learning

/// A site agent: it holds its data and a model, trains when asked and reports only
/// parameter changes and aggregate metrics. Everything a site keeps between rounds (its
/// place in the data, its algorithm's own state such as SCAFFOLD's control variate) lives
/// here and nowhere else. What an algorithm changes in local training is its `SiteAlgorithm`,
/// built from the instructions' `AlgorithmCall`; the site knows no algorithm by name.
public actor Site {
    public nonisolated let id: SiteID
    public nonisolated let study: String
    private let model: Model
    private let trainingData: Dataset
    private let testData: Dataset
    private let testAttributes: PatientAttributes?
    private let seed: UInt64
    private var sampler: BatchSampler?
    /// The site's part of the study's algorithm, built when its first instructions arrive.
    private var algorithm: (any SiteAlgorithm)?

    private let privacyGuard: (any PrivacyGuard)?
    /// Where DP-SGD's noise and Poisson sampling draw from: secure unless a simulation asks to
    /// reproduce its run (the seed is the coordinator's, so seeded noise is not private).
    private let noiseSource: NoiseSource
    private var poissonSampler: PoissonSampler?
    /// Noise multipliers already calibrated, by study and privacy request: the plan does not
    /// change between rounds, so neither does its sigma.
    private var calibratedNoise: [String: Double] = [:]
    private var lastAnswer: SiteState.CachedAnswer?

    public init(
        id: SiteID, study: String, model spec: ModelSpec, data: SiteData, seed: UInt64,
        privacyGuard: (any PrivacyGuard)? = nil, noise: NoiseSource = .secure
    ) throws {
        self.privacyGuard = privacyGuard
        noiseSource = noise
        guard !data.train.isEmpty else { throw SiteError.emptyTrainingSet(id) }
        self.id = id
        self.study = study
        self.seed = seed ^ stableHash(id.name)
        model = try Model(spec: spec, inputShape: data.train.exampleShape, task: data.train.task, seed: self.seed)
        trainingData = data.train
        testData = data.test
        testAttributes = data.testAttributes
    }

    public func train(_ request: TrainingRequest) async throws -> SiteUpdate {
        let requestDigest = digest(of: request)
        if let lastAnswer, lastAnswer.study == request.study, lastAnswer.round == request.round,
            lastAnswer.requestDigest == requestDigest
        {
            // Asked again (the coordinator restarted mid-round): the same answer, no new spend.
            return request.sealed ? lastAnswer.update.sealed() : lastAnswer.update
        }
        let update = try await answer(request)
        lastAnswer = SiteState.CachedAnswer(study: request.study, round: request.round, requestDigest: requestDigest, update: update)
        return request.sealed ? update.sealed() : update
    }

    /// The update this site computed for `round` of `study`, for its secure-aggregation
    /// endpoint: under a sealed request it stays here until the secure sum asks for it.
    public func heldUpdate(study: String, round: Int) throws -> SiteUpdate {
        guard let lastAnswer, lastAnswer.study == study, lastAnswer.round == round else {
            throw SiteError.failed(id, reason: "it holds no update for \(study) round \(round) (it did not train in that round)")
        }
        return lastAnswer.update
    }

    /// The site's state, for its checkpoint.
    public func checkpoint() -> SiteState {
        SiteState(
            sampler: sampler, poissonSampler: poissonSampler,
            algorithm: algorithm.map { SiteAlgorithmState(name: type(of: $0).name, state: $0.state) },
            calibratedNoise: calibratedNoise, dropoutGenerator: model.generator, lastAnswer: lastAnswer)
    }

    /// Restores a checkpoint taken by a site with the same data and model.
    public func restore(_ state: SiteState) throws {
        if let saved = state.algorithm {
            var restored = try AlgorithmRegistry.siteAlgorithm(named: saved.name)
            try restored.restore(saved.state, layout: model.layout)
            algorithm = restored
        } else {
            algorithm = nil
        }
        sampler = state.sampler
        poissonSampler = state.poissonSampler
        calibratedNoise = state.calibratedNoise
        model.generator = state.dropoutGenerator
        lastAnswer = state.lastAnswer
    }

    private func answer(_ request: TrainingRequest) async throws -> SiteUpdate {
        guard let privacy = request.instructions.privacy else {
            // A site that keeps a privacy budget caps what its data may lose; an update
            // trained without DP-SGD has no epsilon to charge, so it never leaves.
            if privacyGuard != nil {
                throw SiteError.privacyRefused(
                    id,
                    reason:
                        "this site caps its privacy loss (a privacy budget is configured), but study '\(request.study)' trains without DP-SGD; no noise-free update leaves this site"
                )
            }
            return try trainLocally(request, privacy: nil)
        }
        let rate = privacy.samplingRate(rows: trainingData.count)
        let sigma: Double
        switch privacy.noise {
        case .multiplier(let value):
            sigma = value
        case .targetEpsilon(let epsilon, let plannedSteps):
            guard let privacyGuard else {
                throw SiteError.privacyRefused(id, reason: "the study asks for epsilon \(epsilon) but this site has no privacy accountant configured")
            }
            let key = "\(request.study)|\(epsilon)|\(privacy.delta)|\(rate)|\(plannedSteps)"
            if let known = calibratedNoise[key] {
                sigma = known
            } else {
                sigma = try await privacyGuard.noiseMultiplier(forEpsilon: epsilon, delta: privacy.delta, samplingRate: rate, steps: plannedSteps)
                calibratedNoise[key] = sigma
            }
        }
        let spend = PrivacySpend(
            study: request.study, round: request.round, samplingRate: rate,
            noiseMultiplier: sigma, steps: request.instructions.localSteps)
        if let privacyGuard {
            // Before any row is read: a refusal costs nothing.
            do { try await privacyGuard.authorize(spend) } catch {
                throw SiteError.privacyRefused(id, reason: String(describing: error))
            }
        }
        var update: SiteUpdate
        do {
            update = try trainLocally(
                request,
                privacy: DPSGDParameters(
                    clipNorm: privacy.clipNorm, noiseMultiplier: Float(sigma),
                    samplingRate: rate))
        } catch {
            await privacyGuard?.release(spend)
            throw error
        }
        update.privacy = spend
        update.cumulativeEpsilon = try await privacyGuard?.commit(spend)
        return update
    }

    private func trainLocally(_ request: TrainingRequest, privacy: DPSGDParameters?) throws -> SiteUpdate {
        guard request.study == study else { throw SiteError.wrongStudy(site: id, expected: study, got: request.study) }
        let global = request.globalParameters
        guard global.count == model.parameterCount else {
            throw SiteError.modelMismatch(site: id, expected: model.parameterCount, got: global.count)
        }
        let instructions = request.instructions
        if sampler?.batchSize != instructions.batchSize {
            sampler = BatchSampler(rowCount: trainingData.count, batchSize: instructions.batchSize, seed: seed)
        }
        // The algorithm's part: where training starts, how gradients change, what leaves.
        var round: LocalRound?
        if let call = instructions.algorithm {
            if algorithm.map({ type(of: $0).name != call.name }) ?? true {
                algorithm = try AlgorithmRegistry.siteAlgorithm(named: call.name)
            }
            round = LocalRound(
                call: call, global: global, layout: model.layout, localSteps: instructions.localSteps,
                learningRate: instructions.optimizer.learningRate
            ) { [self] parameters in fullGradient(at: parameters) }
        }
        let start = try round.map { try algorithm!.start($0) } ?? global
        let adjustment = try round.flatMap { try algorithm!.adjustment($0, start: start) }
        model.parameters = start
        var optimizer = instructions.optimizer.makeOptimizer(parameterCount: global.count)
        let summary: TrainingSummary
        if let privacy {
            if poissonSampler?.rate != privacy.samplingRate || poissonSampler?.source != noiseSource {
                poissonSampler = PoissonSampler(rowCount: trainingData.count, rate: privacy.samplingRate, seed: seed, source: noiseSource)
            }
            var noise = DPNoise(noiseSource, seed: seed, stream: 0xD9_5000 &+ UInt64(request.round))
            summary = model.trainPrivately(
                on: trainingData, steps: instructions.localSteps, sampler: &poissonSampler!,
                parameters: privacy, optimizer: &optimizer, noise: &noise, adjustingGradient: adjustment)
        } else {
            summary = model.train(
                on: trainingData, steps: instructions.localSteps, sampler: &sampler!,
                optimizer: &optimizer, adjustingGradient: adjustment)
        }
        let trained = model.parameters
        var delta = trained
        for i in 0..<delta.count { delta[i] -= global[i] }
        let vectors = try round.map { try algorithm!.finish($0, trained: trained, delta: &delta) } ?? [:]
        return SiteUpdate(
            study: study, site: id, round: request.round, delta: delta,
            sampleCount: trainingData.count, training: summary, vectors: vectors)
    }

    /// The gradient of the mean loss over all local training rows at `parameters`.
    private func fullGradient(at parameters: [Float]) -> [Float] {
        model.parameters = parameters
        var total = [Float](repeating: 0, count: parameters.count)
        var start = 0
        while start < trainingData.count {
            let end = min(trainingData.count, start + 256)
            model.computeGradient(on: trainingData, rows: start..<end)
            let weight = Float(end - start) / Float(trainingData.count)
            let gradients = model.network.gradients.pointer
            for i in total.indices { total[i] += weight * gradients[i] }
            start = end
        }
        return total
    }

    public func evaluate(_ request: EvaluationRequest) throws -> EvaluationReport {
        guard request.study == study else { throw SiteError.wrongStudy(site: id, expected: study, got: request.study) }
        guard request.globalParameters.count == model.parameterCount else {
            throw SiteError.modelMismatch(site: id, expected: model.parameterCount, got: request.globalParameters.count)
        }
        model.parameters = algorithm?.evaluationParameters(global: request.globalParameters) ?? request.globalParameters
        let logits = model.logits(for: testData)
        var report = EvaluationReport(
            site: id, round: request.round,
            metrics: EvaluationMetrics(logits: logits, labels: testData.labels, task: testData.task))
        if let bins = request.validationBins, testData.task == .binary {
            // Validation statistics: score histograms of the test rows, per patient group. A
            // model that scores a row NaN gets none (the report then says this site returned
            // none); its metrics still go back, as they always have.
            report.validation = try? ValidationStatistics(logits: logits, labels: testData.labels, attributes: testAttributes, binCount: bins)
        }
        return report
    }
}
