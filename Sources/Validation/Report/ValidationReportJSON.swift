import Federation

/// validation.json: the report as data. The contract is docs/validation-json.md: keys are
/// only ever added; a metric that cannot be computed is `null` with its reason under the
/// same key in `not_estimable`; a patient group below the small-cell threshold has
/// `too_small: true` and no number at all, its size included.
public enum ValidationReportJSON {
    public static let format = "cohort-validation/1"

    public static func document(_ report: ValidationReport) -> JSONValue {
        .object([
            "format": .string(format),
            "model_card": card(report.card),
            "settings": settings(report.settings, attributes: report.attributes),
            "statements": .array(report.statements.map { .string($0) }),
            "sites": .array(report.sites.map { scope($0, thresholds: report.settings.thresholds) }),
            "pooled": scope(report.pooled, thresholds: report.settings.thresholds),
            "leave_one_site_out": heldOut(report.leaveOneSiteOut, thresholds: report.settings.thresholds),
            "tripod_ai": .array(
                report.tripod.map { item in
                    .object([
                        "item": .string(item.number), "topic": .string(item.topic), "coverage": .string(item.coverage.rawValue),
                        "note": .string(item.note)
                    ])
                })
        ])
    }

    static func card(_ card: ModelCard) -> JSONValue {
        .object([
            "study_id": .string(card.studyID),
            "intended_use": .string(card.intendedUse),
            "runtime": .string(card.runtime),
            "data": .string(card.dataDescription),
            "data_sources": .array(
                card.dataSources.map { source in
                    .object([
                        "site": .string(source.site), "training_rows": .int(source.trainingRows), "test_rows": .int(source.testRows),
                        "test_events": .int(source.testEvents)
                    ])
                }),
            "model": .string(card.model),
            "parameter_count": .int(card.parameterCount),
            "model_checksum": .string(card.modelChecksum),
            "strategy": .string(card.strategy),
            "aggregation_rule": .string(card.aggregationRule),
            "rounds": .int(card.rounds),
            "local_steps": .int(card.localSteps),
            "batch_size": .int(card.batchSize),
            "learning_rate": .number(card.learningRate),
            "seed": .string(String(card.seed)),
            "schema_hash": .string(card.schemaHash),
            "training_plan_hash": .string(card.trainingPlanHash),
            "privacy": .object([
                "mechanism": .string(card.privacy.mechanism),
                "delta": .number(card.privacy.delta),
                "site_epsilon": .object(card.privacy.siteEpsilon.mapValues { .number($0) }),
                "central_epsilon": .number(card.privacy.centralEpsilon),
                "noise": .string(card.privacy.noise)
            ]),
            "secure_aggregation": .bool(card.secureAggregation),
            "code_version": .string(card.codeVersion)
        ])
    }

    static func settings(_ settings: ValidationSettings, attributes: [PatientAttribute]) -> JSONValue {
        .object([
            "bins": .int(settings.binCount),
            "thresholds": .array(settings.thresholds.map { .number($0) }),
            "subgroups": .array(attributes.map { .string($0.rawValue) }),
            "minimum_group_size": .int(settings.minimumGroupSize),
            "confidence_level": .number(0.95),
            "decision_curve_thresholds": .array(DecisionCurve.thresholds.map { .number($0) })
        ])
    }

    static func scope(_ scope: ValidationReport.Scope, thresholds: [Double]) -> JSONValue {
        var members = metrics(scope.overall)
        members["site"] = .string(scope.name)
        members["groups"] = .array(scope.groups.map(group))
        members["gaps"] = .array(scope.gaps.map(gap))
        members["unrecorded_attributes"] = .array(scope.unrecorded.map { .string($0.rawValue) })
        return .object(members)
    }

    static func group(_ entry: ValidationReport.GroupEntry) -> JSONValue {
        var members: [String: JSONValue]
        switch entry.outcome {
        case .reported(let group):
            members = metrics(group)
            members["too_small"] = .bool(false)
        case .tooSmall:
            members = ["too_small": .bool(true)]
        }
        members["attribute"] = .string(entry.group.attribute.rawValue)
        members["value"] = .string(entry.group.value)
        // Too small, or withheld because subtraction from the total would reveal a small group;
        // a withheld size takes its class counts with it (they add up to it).
        members["size"] = .int(entry.shownSize)
        if entry.shownSize == nil, case .reported = entry.outcome {
            members["positives"] = .null
            members["negatives"] = .null
            members["size_withheld"] = .bool(true)
        } else {
            members["size_withheld"] = .bool(false)
        }
        return .object(members)
    }

    static func gap(_ gap: ValidationReport.GroupGap) -> JSONValue {
        var reasons: [String: JSONValue] = [:]
        let citl = interval(gap.calibrationInTheLargeDifference, key: "calibration_in_the_large_difference", reasons: &reasons)
        let auroc = interval(gap.aurocDifference, key: "auroc_difference", reasons: &reasons)
        return .object([
            "attribute": .string(gap.attribute.rawValue),
            "group": .string(gap.group),
            "reference": .string(gap.reference),
            "true_positive_rate_difference": .array(
                gap.truePositiveRateDifference.map { item in
                    var itemReasons: [String: JSONValue] = [:]
                    let value = interval(item.difference, key: "difference", reasons: &itemReasons)
                    return .object(["threshold": .number(item.threshold), "difference": value, "not_estimable": .object(itemReasons)])
                }),
            "calibration_in_the_large_difference": citl,
            "auroc_difference": auroc,
            "not_estimable": .object(reasons)
        ])
    }

    static func heldOut(_ result: Result<[ValidationReport.HeldOutScope], NotEstimable>, thresholds: [Double]) -> JSONValue {
        switch result {
        case .failure(let reason):
            return .object(["available": .bool(false), "reason": .string(reason.reason), "sites": .array([])])
        case .success(let sites):
            return .object([
                "available": .bool(true), "reason": .null,
                "sites": .array(
                    sites.map { site in
                        var members: [String: JSONValue]
                        switch site.metrics {
                        case .success(let metrics):
                            members = self.metrics(metrics)
                            members["reason"] = .null
                        case .failure(let reason):
                            members = ["reason": .string(reason.reason)]
                        }
                        members["site"] = .string(site.site)
                        members["trained_on"] = .array(site.trainedOn.map { .string($0) })
                        return .object(members)
                    })
            ])
        }
    }

    /// Every metric of a set of patients.
    static func metrics(_ metrics: GroupMetrics) -> [String: JSONValue] {
        var reasons: [String: JSONValue] = [:]
        var members: [String: JSONValue] = [
            "size": .int(metrics.size),
            "positives": .int(metrics.positives),
            "negatives": .int(metrics.negatives),
            "mean_observed": .number(metrics.meanObserved),
            "mean_predicted": .number(metrics.meanPredicted),
            "auroc_tie_bound": .number(metrics.aurocTieBound)
        ]
        members["auroc"] = interval(metrics.auroc, key: "auroc", reasons: &reasons)
        if case .failure = metrics.auroc, let estimate = metrics.aurocEstimate {
            // The area is defined, its interval is not: the estimate, with null bounds.
            members["auroc"] = .object(["estimate": .number(estimate), "ci_low": .null, "ci_high": .null])
        }
        members["calibration_slope"] = interval(metrics.calibrationSlope, key: "calibration_slope", reasons: &reasons)
        members["calibration_intercept"] = interval(metrics.calibrationIntercept, key: "calibration_intercept", reasons: &reasons)
        members["calibration_in_the_large"] = interval(metrics.calibrationInTheLarge, key: "calibration_in_the_large", reasons: &reasons)
        switch metrics.observedExpectedRatio {
        case .success(let ratio): members["observed_expected_ratio"] = .number(ratio)
        case .failure(let reason):
            members["observed_expected_ratio"] = .null
            reasons["observed_expected_ratio"] = .string(reason.reason)
        }
        members["not_estimable"] = .object(reasons)
        members["operating_points"] = .array(metrics.operatingPoints.map(operatingPoint))
        let withheld = metrics.reliability.sizesWithheld
        members["reliability"] = .array(
            metrics.reliability.groups.map { group in
                let small = group.tooSmall
                return .object([
                    "lower": .number(group.lower), "upper": .number(group.upper), "too_small": .bool(small),
                    "size": small || withheld ? .null : .int(group.count),
                    "mean_predicted": small ? .null : .number(group.meanPredicted),
                    "observed": small ? .null : interval(group.observed)
                ])
            })
        members["decision_curve"] = .array(
            metrics.decisionCurve.points.map { point in
                .object([
                    "threshold": .number(point.threshold), "net_benefit": .number(point.netBenefit),
                    "treat_all": .number(point.treatAll), "treat_none": .number(point.treatNone)
                ])
            })
        members["roc_curve"] = .array(
            metrics.rocCurve.map { point in
                .object([
                    "threshold": .number(point.threshold), "false_positive_rate": .number(point.falsePositiveRate),
                    "true_positive_rate": .number(point.truePositiveRate)
                ])
            })
        return members
    }

    static func operatingPoint(_ point: OperatingPoint) -> JSONValue {
        var reasons: [String: JSONValue] = [:]
        return .object([
            "threshold": .number(point.threshold),
            "sensitivity": interval(point.sensitivity, key: "sensitivity", reasons: &reasons),
            "specificity": interval(point.specificity, key: "specificity", reasons: &reasons),
            "ppv": interval(point.positivePredictiveValue, key: "ppv", reasons: &reasons),
            "npv": interval(point.negativePredictiveValue, key: "npv", reasons: &reasons),
            "not_estimable": .object(reasons)
        ])
    }

    static func interval(_ value: Interval) -> JSONValue {
        .object(["estimate": .number(value.estimate), "ci_low": .number(value.ciLow), "ci_high": .number(value.ciHigh)])
    }

    /// The interval, or null with the reason recorded under `key`.
    static func interval(_ result: Result<Interval, NotEstimable>, key: String, reasons: inout [String: JSONValue]) -> JSONValue {
        switch result {
        case .success(let value): return interval(value)
        case .failure(let reason):
            reasons[key] = .string(reason.reason)
            return .null
        }
    }
}
