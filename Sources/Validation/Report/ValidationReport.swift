import Federation

/// The clinical validation report's content: per site, pooled, per patient group, the gaps
/// between groups, leave-one-site-out, the model card and the TRIPOD+AI coverage. Built from
/// `ValidationInputs` only; `ValidationReportJSON` and `ValidationHTML` render it.
public struct ValidationReport: Sendable {
    /// A patient group's result where it is shown: numbers, or "too small".
    public enum GroupOutcome: Hashable, Sendable {
        case reported(GroupMetrics)
        /// Fewer patients than the small-cell threshold: no number is shown, not even the size.
        case tooSmall
    }

    public struct GroupEntry: Hashable, Sendable {
        public var group: PatientGroup
        public var outcome: GroupOutcome
        /// The size as shown; nil when too small or withheld (it would reveal a small group
        /// by subtraction from the total).
        public var shownSize: Int?
    }

    /// The difference between a group and its attribute's reference group (group minus
    /// reference), each with its 95 % interval.
    public struct GroupGap: Hashable, Sendable {
        public var attribute: PatientAttribute
        public var group: String
        public var reference: String
        /// True-positive-rate difference (equal opportunity) at each threshold: Newcombe.
        public var truePositiveRateDifference: [AtThreshold]
        /// Calibration-in-the-large difference: independent groups, Wald.
        public var calibrationInTheLargeDifference: Result<Interval, NotEstimable>
        /// AUROC difference: independent groups, DeLong variances added.
        public var aurocDifference: Result<Interval, NotEstimable>
    }

    /// A difference at one operating threshold.
    public struct AtThreshold: Hashable, Sendable {
        public var threshold: Double
        public var difference: Result<Interval, NotEstimable>
    }

    /// A site, or the pooled sites.
    public struct Scope: Hashable, Sendable {
        public var name: String
        public var overall: GroupMetrics
        public var groups: [GroupEntry]
        public var gaps: [GroupGap]
        /// Attributes the report groups by that this scope's data does not record.
        public var unrecorded: [PatientAttribute]
    }

    /// One held-out site: the model trained without it, scored on it.
    public struct HeldOutScope: Hashable, Sendable {
        public var site: String
        public var trainedOn: [String]
        public var metrics: Result<GroupMetrics, NotEstimable>
    }

    public static let pooledName = "pooled"

    public var card: ModelCard
    public var settings: ValidationSettings
    /// The attributes patients are grouped by.
    public var attributes: [PatientAttribute]
    public var sites: [Scope]
    public var pooled: Scope
    public var leaveOneSiteOut: Result<[HeldOutScope], NotEstimable>
    /// Plain statements about the input a reader must know (an attribute no site records...).
    public var statements: [String]
    public var tripod: [TRIPODChecklist.Item]

    public init(_ inputs: ValidationInputs) throws(ValidationSettingsError) {
        guard !inputs.sites.isEmpty else { throw ValidationSettingsError("no site returned validation statistics") }
        let settings = inputs.settings
        for site in inputs.sites where site.statistics.binCount != settings.binCount {
            throw ValidationSettingsError("site \(site.name) computed \(site.statistics.binCount) bins, the report's thresholds assume \(settings.binCount)")
        }
        let pooledStatistics: ValidationStatistics
        do { pooledStatistics = try ValidationStatistics.pooled(inputs.sites.map(\.statistics)) } catch {
            throw ValidationSettingsError(error.description)
        }
        let recorded = pooledStatistics.attributes
        let requested = settings.subgroups ?? recorded
        let attributes = requested.filter { recorded.contains($0) }
        var statements = inputs.notes
        for attribute in requested where !recorded.contains(attribute) {
            statements.append("\(attribute.rawValue): no site's data records \(Self.noun(attribute)), so no \(Self.noun(attribute)) groups are reported.")
        }
        for attribute in attributes {
            let missing = inputs.sites.filter { !$0.statistics.attributes.contains(attribute) }.map(\.name)
            if !missing.isEmpty {
                statements.append(
                    "\(attribute.rawValue): not recorded at \(missing.joined(separator: ", ")); pooled \(Self.noun(attribute)) groups cover the other sites' patients only."
                )
            }
        }

        // Gaps compare every group with its attribute's largest pooled group.
        var references: [PatientAttribute: String] = [:]
        for attribute in attributes {
            let candidates = pooledStatistics.groups.filter { $0.group.attribute == attribute && $0.histogram.count >= settings.minimumGroupSize }
            if let largest = candidates.max(by: { ($0.histogram.count, $1.group.value) < ($1.histogram.count, $0.group.value) }) {
                references[attribute] = largest.group.value
            }
        }
        // A group size printed beside the site's total gives away its complement: where any
        // site has a small group of an attribute, that attribute's sizes are withheld at every
        // site (and pooled, where the pooled groups have a small one), so neither the site's
        // other groups nor the pooled size minus the other sites' sizes reveals it.
        let withheldAtSites = inputs.sites.reduce(into: Set<PatientAttribute>()) { withheld, site in
            withheld.formUnion(Self.attributesWithSmallGroups(site.statistics, attributes: attributes, settings: settings))
        }
        let sites = inputs.sites.map { site in
            Self.scope(
                site.name, site.statistics, attributes: attributes, references: references, settings: settings,
                withholding: withheldAtSites)
        }
        let pooled = Self.scope(
            Self.pooledName, pooledStatistics, attributes: attributes, references: references, settings: settings,
            withholding: Self.attributesWithSmallGroups(pooledStatistics, attributes: attributes, settings: settings))
        self.attributes = attributes
        self.sites = sites
        self.pooled = pooled
        switch inputs.leaveOneSiteOut {
        case .unavailable(let reason):
            leaveOneSiteOut = .failure(NotEstimable(reason))
        case .computed(let heldOut):
            leaveOneSiteOut = .success(
                heldOut.map { item in
                    HeldOutScope(
                        site: item.site, trainedOn: item.trainedOn,
                        metrics: item.statistics.map { GroupMetrics($0.all, settings: settings) })
                })
        }
        card = inputs.card
        self.settings = settings
        self.statements = statements
        let heldOutComputed = if case .computed = inputs.leaveOneSiteOut { true } else { false }
        tripod = TRIPODChecklist.items(intendedUseStated: inputs.card.intendedUse != nil, leaveOneSiteOut: heldOutComputed)
    }

    /// "sex", "age band", "race", "ethnicity".
    static func noun(_ attribute: PatientAttribute) -> String {
        attribute == .ageBand ? "age band" : attribute.rawValue
    }

    /// Group values in reading order: age bands youngest first, other values alphabetically.
    static func ordered(_ groups: [PatientGroup]) -> [PatientGroup] {
        groups.sorted { lhs, rhs in
            if lhs.attribute != rhs.attribute { return lhs.attribute < rhs.attribute }
            if lhs.attribute == .ageBand {
                let order = AgeBands.labels
                return (order.firstIndex(of: lhs.value) ?? order.count, lhs.value) < (order.firstIndex(of: rhs.value) ?? order.count, rhs.value)
            }
            return lhs.value < rhs.value
        }
    }

    /// Attributes with a small group here (or fewer than the threshold whose value is not
    /// recorded): the printed total minus the other sizes would give it away.
    private static func attributesWithSmallGroups(_ statistics: ValidationStatistics, attributes: [PatientAttribute], settings: ValidationSettings) -> Set<
        PatientAttribute
    > {
        Set(
            attributes.filter { attribute in
                let sizes = statistics.groups.filter { $0.group.attribute == attribute }.map(\.histogram.count)
                let unrecorded = statistics.all.count - sizes.reduce(0, +)
                return (sizes + [unrecorded]).contains(where: settings.isTooSmall)
            })
    }

    private static func scope(
        _ name: String, _ statistics: ValidationStatistics, attributes: [PatientAttribute],
        references: [PatientAttribute: String], settings: ValidationSettings,
        withholding: Set<PatientAttribute>
    ) -> Scope {
        let overall = GroupMetrics(statistics.all, settings: settings)
        var entries: [GroupEntry] = []
        var metricsByGroup: [PatientGroup: GroupMetrics] = [:]
        for attribute in attributes where statistics.attributes.contains(attribute) {
            for group in ordered(statistics.groups.map(\.group).filter { $0.attribute == attribute }) {
                let histogram = statistics.histogram(for: group)!
                if settings.isTooSmall(histogram.count) {
                    entries.append(GroupEntry(group: group, outcome: .tooSmall, shownSize: nil))
                } else {
                    let metrics = GroupMetrics(histogram, settings: settings)
                    metricsByGroup[group] = metrics
                    entries.append(
                        GroupEntry(
                            group: group, outcome: .reported(metrics),
                            shownSize: withholding.contains(attribute) ? nil : histogram.count))
                }
            }
        }
        var gaps: [GroupGap] = []
        for attribute in attributes {
            guard let referenceValue = references[attribute],
                let reference = metricsByGroup[PatientGroup(attribute, referenceValue)]
            else { continue }
            for entry in entries where entry.group.attribute == attribute && entry.group.value != referenceValue {
                guard case .reported(let metrics) = entry.outcome else { continue }
                gaps.append(gap(metrics, against: reference, group: entry.group, reference: referenceValue, thresholds: settings.thresholds))
            }
        }
        return Scope(
            name: name, overall: overall, groups: entries, gaps: gaps,
            unrecorded: attributes.filter { !statistics.attributes.contains($0) })
    }

    private static func gap(
        _ metrics: GroupMetrics, against reference: GroupMetrics, group: PatientGroup, reference referenceValue: String,
        thresholds: [Double]
    ) -> GroupGap {
        let tpr = thresholds.map { threshold in
            let a = metrics.operatingPoint(at: threshold)!, b = reference.operatingPoint(at: threshold)!
            let difference = Result { () throws(NotEstimable) in
                try Proportion.difference(
                    (a.truePositives, a.truePositives + a.falseNegatives),
                    (b.truePositives, b.truePositives + b.falseNegatives))
            }.mapError { _ in NotEstimable("not defined: a group has no positive patient") }
            return AtThreshold(threshold: threshold, difference: difference)
        }
        let citl = Result { () throws(NotEstimable) in
            let a = try metrics.calibrationInTheLarge.get(), b = try reference.calibrationInTheLarge.get()
            return difference(a, b)
        }
        let auroc = Result { () throws(NotEstimable) in
            let a = try metrics.auroc.get(), b = try reference.auroc.get()
            guard let va = metrics.aurocVariance, let vb = reference.aurocVariance else {
                throw NotEstimable("not estimable: a group's AUROC has no variance")
            }
            return Interval(estimate: a.estimate - b.estimate, standardError: (va + vb).squareRoot())
        }
        return GroupGap(
            attribute: group.attribute, group: group.value, reference: referenceValue,
            truePositiveRateDifference: tpr, calibrationInTheLargeDifference: citl, aurocDifference: auroc)
    }

    /// The difference of two independent normal-theory estimates: standard errors add in
    /// quadrature (each recovered from its symmetric interval).
    private static func difference(_ a: Interval, _ b: Interval) -> Interval {
        let seA = (a.ciHigh - a.estimate) / Confidence.z95, seB = (b.ciHigh - b.estimate) / Confidence.z95
        return Interval(estimate: a.estimate - b.estimate, standardError: (seA * seA + seB * seB).squareRoot())
    }
}
