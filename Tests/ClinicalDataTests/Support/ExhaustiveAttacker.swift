@testable import ClinicalData

/// What an observer reads in a published quality report, written down independently of the
/// report's code: each count as shown, plus every published figure that constrains counts.
struct PublishedFigures {
    /// A count as an observer sees it.
    enum Shown: Equatable, CustomStringConvertible {
        case exact(Int)
        /// "<11": between 1 and 10.
        case small
        /// The neutral mark of a cell hidden to protect another: 11 or more (zeros are shown).
        case withheld
        /// A mark that may stand for any positive count (the old rule printed "<11" for a cell
        /// of any size hidden to protect its neighbour).
        case anyPositive

        var description: String {
            switch self {
            case .exact(let value): "\(value)"
            case .small: "<11"
            case .withheld: "withheld"
            case .anyPositive: "hidden"
            }
        }
    }

    struct Feature {
        var name: String
        var present: Shown
        var missing: Shown
        var categories: [Shown] = []
        /// Patients with value 1 and with value 0, for 0/1 features that publish them.
        var ones: Shown?
        var zeros: Shown?
        /// A published mean of a 0/1 feature: the share of ones.
        var binaryMean: Double?
        /// A published mean or median proves that many values: the statistic's rule.
        var statisticOverPresent = false
        var statisticOverKeptValues = false
        var missingFraction: Double?
        /// Flagged as missing for more than half (nil: no flag published).
        var missingOverHalf: Bool?
    }

    var dropsIncomplete: Bool
    var read: Shown
    var kept: Shown
    /// Exclusion reasons; `missingValue` marks the complete-case ones (they are eligible).
    var exclusions: [(reason: String, missingValue: Bool, shown: Shown)]
    var positive: Shown
    var negative: Shown
    var prevalence: Double?
    var features: [Feature]
    var errorTotal: Shown
    var errorKinds: [Shown]
}

/// An attacker who knows how the report is built and enumerates every cohort of counts
/// consistent with what is published, then asks which counts (and sums of hidden cells of one
/// table, which count the patients of a union of categories) take a single value from 1 to 10
/// in all of them.
///
/// Brute force with forward checking: the cohorts are small (the caller caps every count), so
/// the enumeration is exact rather than a relaxation.
struct ExhaustiveAttacker {
    struct Leak: CustomStringConvertible {
        var cells: [String]
        var value: Int
        var description: String { "\(cells.joined(separator: " + ")) = \(value)" }
    }

    private var names: [String] = []
    private var lower: [Int] = []
    private var upper: [Int] = []
    private var hidden: [Bool] = []
    private var equalities: [[(Int, Int)]] = []  // sum of coefficient x variable = 0
    /// Checked as soon as every count they read is known (nil: not yet known, not rejected).
    private var predicates: [([Int?]) -> Bool] = []
    private var groups: [[Int]] = []
    private var publishedSmall: [String] = []
    let cap: Int

    /// `cap` bounds every count the attacker considers (the largest cohort it believes possible).
    init(_ figures: PublishedFigures, cap: Int) {
        self.cap = cap
        let read = cell("read", figures.read)
        let kept = cell("kept", figures.kept)
        let exclusions = figures.exclusions.map { cell("excluded \($0.reason)", $0.shown) }
        let eligible = variable("eligible", 0, cap, hidden: false)
        equal(read, kept, exclusions)
        equal(eligible, kept, zip(figures.exclusions, exclusions).filter(\.0.missingValue).map(\.1))
        let positive = cell("label +", figures.positive)
        let negative = cell("label -", figures.negative)
        equal(kept, positive, [negative])
        groups += [[kept] + exclusions, [positive, negative], [positive, negative] + exclusions]
        if let prevalence = figures.prevalence {
            predicates.append { values in Self.ratio(values[positive], values[kept], is: prevalence) }
        }
        for feature in figures.features {
            let present = cell("\(feature.name) present", feature.present)
            let missing = cell("\(feature.name) missing", feature.missing)
            equal(eligible, present, [missing])
            groups.append([present, missing])
            // Values among kept patients: every kept patient (complete cases) or the present ones.
            let keptValues = figures.dropsIncomplete ? kept : present
            if !feature.categories.isEmpty {
                let categories = feature.categories.enumerated().map { cell("\(feature.name)=\($0.offset)", $0.element) }
                equal(keptValues, categories[0], Array(categories.dropFirst()))
                groups.append(categories)
            }
            if let ones = feature.ones, let zeros = feature.zeros {
                let one = cell("\(feature.name)=1", ones)
                let zero = cell("\(feature.name)=0", zeros)
                equal(keptValues, one, [zero])
                groups.append([one, zero])
            }
            if let mean = feature.binaryMean {
                let total = keptValues
                let name = feature.name
                if let index = names.firstIndex(of: "\(name)=1") {
                    predicates.append { values in Self.ratio(values[index], values[total], is: mean) }
                } else {
                    // Only the mean: the ones are a count of their own.
                    let one = variable("\(name)=1", 0, cap, hidden: true)
                    predicates.append { values in Self.ratio(values[one], values[total], is: mean) }
                    groups.append([one])
                }
            }
            if feature.statisticOverPresent { predicates.append { $0[present].map { $0 >= 11 } ?? true } }
            if feature.statisticOverKeptValues { predicates.append { $0[keptValues].map { $0 >= 11 } ?? true } }
            if let fraction = feature.missingFraction {
                predicates.append { values in
                    guard let present = values[present], let missing = values[missing] else { return true }
                    return Self.ratio(missing, present + missing, is: fraction)
                }
            }
            if let flagged = feature.missingOverHalf {
                predicates.append { values in
                    guard let present = values[present], let missing = values[missing] else { return true }
                    return (missing > present) == flagged
                }
            }
        }
        let errors = cell("errors", figures.errorTotal)
        let kinds = figures.errorKinds.enumerated().map { cell("error kind \($0.offset)", $0.element) }
        equal(errors, kinds.first ?? errors, kinds.isEmpty ? [] : Array(kinds.dropFirst()), selfTotal: kinds.isEmpty)
        groups.append(kinds)
    }

    /// Whether `part / whole` is the published share; true while either is unknown.
    private static func ratio(_ part: Int?, _ whole: Int?, is published: Double) -> Bool {
        guard let part, let whole else { return true }
        guard whole > 0, part <= whole else { return false }
        return abs(Double(part) / Double(whole) - published) < 1e-9
    }

    private mutating func variable(_ name: String, _ low: Int, _ high: Int, hidden: Bool) -> Int {
        names.append(name)
        lower.append(low)
        upper.append(high)
        self.hidden.append(hidden)
        return names.count - 1
    }

    private mutating func cell(_ name: String, _ shown: PublishedFigures.Shown) -> Int {
        switch shown {
        case .exact(let value):
            if (1...10).contains(value) { publishedSmall.append("\(name) = \(value)") }
            return variable(name, value, value, hidden: false)
        case .small: return variable(name, 1, 10, hidden: true)
        case .withheld: return variable(name, 11, max(cap, 11), hidden: true)
        case .anyPositive: return variable(name, 1, cap, hidden: true)
        }
    }

    /// total = first + rest.
    private mutating func equal(_ total: Int, _ first: Int, _ rest: [Int], selfTotal: Bool = false) {
        guard !selfTotal else { return }
        equalities.append([(total, -1), (first, 1)] + rest.map { ($0, 1) })
    }

    // MARK: The attack

    /// Every count from 1 to 10 the figures determine; empty when the report is safe.
    /// `consistent` is false when no cohort at all matches the figures (a report that
    /// contradicts itself, e.g. a mean over a count shown as "<11").
    ///
    /// For each sum of hidden cells it finds one cohort consistent with the figures, and if the
    /// sum is from 1 to 10 there, searches the whole space for a consistent cohort where it
    /// differs (depth first over every value of every unknown, checking each table's sum as
    /// soon as it can be checked): a sum is determined exactly when that search comes back empty.
    func attack() -> (leaks: [Leak], consistent: Bool, cohorts: Int) {
        var functionals = [[Int]]()
        var seen = Set<[Int]>()
        for group in groups {
            let members = group.filter { hidden[$0] }
            guard !members.isEmpty else { continue }
            let limit = min(members.count, 12)
            for mask in 1..<(1 << limit) {
                let subset = (0..<limit).filter { mask & (1 << $0) != 0 }.map { members[$0] }
                if seen.insert(subset.sorted()).inserted { functionals.append(subset) }
            }
        }
        var leaks = publishedSmall.map { Leak(cells: [$0 + " (published)"], value: 0) }
        var searches = 0
        // Samples: the first cohort found with the values tried low to high, high to low, and
        // from the middle, which settle most sums at once.
        var samples = [[Int]]()
        for preference in [Preference.low, .high, .middle] {
            searches += 1
            if let found = firstCohort(preferring: preference, avoiding: nil) { samples.append(found) }
        }
        guard let base = samples.first else { return (leaks, false, searches) }
        for functional in functionals {
            let value = functional.reduce(0) { $0 + base[$1] }
            guard (1...10).contains(value) else { continue }
            if samples.contains(where: { sample in functional.reduce(0) { $0 + sample[$1] } != value }) { continue }
            searches += 1
            if let other = firstCohort(preferring: .low, avoiding: (functional, value)) {
                samples.append(other)
            } else {
                leaks.append(Leak(cells: functional.map { names[$0] }, value: value))
            }
        }
        return (leaks, true, searches)
    }

    private enum Preference { case low, high, middle }

    /// The first cohort consistent with every figure (and, with `avoiding`, in which that sum
    /// is not that value), or nil when there is none: every value of every unknown in turn,
    /// with each table's sum narrowing the others' ranges as values are fixed.
    private func firstCohort(preferring preference: Preference, avoiding: ([Int], Int)?) -> [Int]? {
        // The avoided sum's cells first (so the sum is settled early), then narrow domains.
        let first = Set(avoiding?.0 ?? [])
        func key(_ index: Int) -> (Int, Int, Int) { (first.contains(index) ? 0 : 1, upper[index] - lower[index], index) }
        let order = names.indices.sorted { key($0) < key($1) }

        /// Narrows every unknown to what the tables' sums allow; false when one empties, when
        /// the avoided sum is settled at the avoided value, or when a figure is contradicted.
        func narrow(_ lo: inout [Int], _ hi: inout [Int]) -> Bool {
            var changed = true
            while changed {
                changed = false
                for equation in equalities {
                    var minimum = 0
                    var maximum = 0
                    for (variable, coefficient) in equation {
                        minimum += coefficient > 0 ? coefficient * lo[variable] : coefficient * hi[variable]
                        maximum += coefficient > 0 ? coefficient * hi[variable] : coefficient * lo[variable]
                    }
                    if minimum > 0 || maximum < 0 { return false }
                    for (variable, coefficient) in equation {
                        // coefficient x = -(the others), whose range is [-(maximum - own max), -(minimum - own min)].
                        let ownMinimum = coefficient > 0 ? coefficient * lo[variable] : coefficient * hi[variable]
                        let ownMaximum = coefficient > 0 ? coefficient * hi[variable] : coefficient * lo[variable]
                        let low = -(maximum - ownMaximum)
                        let high = -(minimum - ownMinimum)
                        // Coefficients are +1 or -1.
                        let (newLow, newHigh) = coefficient > 0 ? (low, high) : (-high, -low)
                        if newLow > lo[variable] || newHigh < hi[variable] {
                            lo[variable] = max(lo[variable], newLow)
                            hi[variable] = min(hi[variable], newHigh)
                            if lo[variable] > hi[variable] { return false }
                            changed = true
                            minimum = 0
                            maximum = 0
                            for (v, c) in equation {
                                minimum += c > 0 ? c * lo[v] : c * hi[v]
                                maximum += c > 0 ? c * hi[v] : c * lo[v]
                            }
                        }
                    }
                }
            }
            let known = names.indices.map { lo[$0] == hi[$0] ? lo[$0] : nil }
            if let (cells, value) = avoiding, cells.allSatisfy({ known[$0] != nil }), cells.reduce(0, { $0 + known[$1]! }) == value {
                return false
            }
            return predicates.allSatisfy { $0(known) }
        }

        func search(_ lo: [Int], _ hi: [Int], _ step: Int) -> [Int]? {
            guard let position = order[step...].first(where: { lo[$0] < hi[$0] }) else { return lo }
            let range = lo[position]...hi[position]
            let tries: [Int] =
                switch preference {
                case .low: Array(range)
                case .high: range.reversed()
                case .middle: range.sorted { (abs(2 * $0 - range.lowerBound - range.upperBound), $0) < (abs(2 * $1 - range.lowerBound - range.upperBound), $1) }
                }
            for value in tries {
                var low = lo
                var high = hi
                low[position] = value
                high[position] = value
                if narrow(&low, &high), let found = search(low, high, step) { return found }
            }
            return nil
        }

        var lo = lower
        var hi = upper
        guard narrow(&lo, &hi) else { return nil }
        return search(lo, hi, 0)
    }
}
