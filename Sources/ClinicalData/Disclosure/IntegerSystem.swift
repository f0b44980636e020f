/// A few bounded integer unknowns tied by linear equations and inequalities, and the one
/// question disclosure control asks of them: does a sum of unknowns take a single value in
/// every solution?
///
/// This is the attacker's view of a published report: the hidden counts are the unknowns,
/// what the report prints gives the equations (tables add up to their totals) and the bounds
/// ("<11" is 1 to 10, a withheld cell is 11 or more), and a count is disclosed exactly when
/// all the cohorts consistent with the report agree on it. Answering it is integer
/// programming. The systems are small and made of sums, so `Solver` first eliminates the
/// equations exactly (rational Gauss-Jordan): what is left is a handful of free unknowns under
/// inequalities, searched exhaustively by bound propagation and domain splitting. A sum that
/// does not depend on the free unknowns is settled by the elimination alone. A node budget
/// bounds the worst case; when it runs out the answer is `undecided`, which callers treat as
/// disclosed.
struct IntegerSystem: Sendable {
    struct Term: Hashable, Sendable {
        var variable: Int
        var coefficient: Int
    }

    /// Sum of terms = bound (equality) or <= bound.
    struct Constraint: Sendable {
        var terms: [Term]
        var isEquality: Bool
        var bound: Int
    }

    /// What a sum is over every solution.
    enum Determination: Equatable, Sendable {
        /// The same value in every solution.
        case determined(Int)
        /// At least two values; a solution where it differs from the hint's (when one was searched for).
        case free(witness: [Int]?)
        /// No solution at all (the constraints contradict each other).
        case infeasible
        /// The search budget ran out.
        case undecided
    }

    private(set) var lower: [Int] = []
    private(set) var upper: [Int] = []
    private(set) var constraints: [Constraint] = []

    mutating func addVariable(lower: Int, upper: Int) -> Int {
        precondition(lower <= upper, "empty domain")
        self.lower.append(lower)
        self.upper.append(upper)
        return self.lower.count - 1
    }

    mutating func add(_ terms: [Term], equals bound: Int) {
        constraints.append(Constraint(terms: terms, isEquality: true, bound: bound))
    }

    mutating func add(_ terms: [Term], atMost bound: Int) {
        constraints.append(Constraint(terms: terms, isEquality: false, bound: bound))
    }

    var variableCount: Int { lower.count }
}

extension IntegerSystem {
    /// The system with its equations eliminated, ready for many questions.
    struct Solver: Sendable {
        /// A rational affine form: constant + sum of coefficient x free unknown.
        fileprivate struct Affine: Sendable {
            var constant: Fraction
            var coefficients: [Fraction]  // one per free unknown

            var negated: Affine {
                Affine(constant: .zero - constant, coefficients: coefficients.map { .zero - $0 })
            }
        }

        private let system: IntegerSystem
        /// Free unknowns (indices into the system's variables).
        private let free: [Int]
        /// Every variable as an affine form of the free ones (nil when the equations contradict).
        private let forms: [Affine]?
        /// Inequalities over the free unknowns (integer coefficients).
        private let reduced: [Constraint]
        /// Variables whose form has fractions: integrality is checked at the leaves.
        private let fractional: [Int]
        /// Search nodes allowed per question.
        var budget = 50_000

        init(_ system: IntegerSystem) {
            self.system = system
            let n = system.variableCount
            // Gauss-Jordan on the equations, over the rationals.
            var rows: [[Fraction]] = system.constraints.filter(\.isEquality).map { constraint in
                var row = [Fraction](repeating: .zero, count: n + 1)
                for term in constraint.terms { row[term.variable] = row[term.variable] + Fraction(term.coefficient) }
                row[n] = Fraction(constraint.bound)
                return row
            }
            var pivotOf = [Int: Int]()  // variable -> row
            var rank = 0
            for column in 0..<n where rank < rows.count {
                guard let pivot = (rank..<rows.count).first(where: { !rows[$0][column].isZero }) else { continue }
                rows.swapAt(rank, pivot)
                let scale = rows[rank][column]
                rows[rank] = rows[rank].map { $0 / scale }
                for other in rows.indices where other != rank && !rows[other][column].isZero {
                    let factor = rows[other][column]
                    for index in 0...n where !rows[rank][index].isZero {
                        rows[other][index] = rows[other][index] - factor * rows[rank][index]
                    }
                }
                pivotOf[column] = rank
                rank += 1
            }
            let consistent = rows[rank...].allSatisfy { $0[n].isZero }
            free = (0..<n).filter { pivotOf[$0] == nil }
            let position = Dictionary(uniqueKeysWithValues: free.enumerated().map { ($1, $0) })
            guard consistent else {
                forms = nil
                reduced = []
                fractional = []
                return
            }
            var forms = [Affine]()
            for variable in 0..<n {
                var form = Affine(constant: .zero, coefficients: Array(repeating: .zero, count: free.count))
                if let row = pivotOf[variable] {
                    // x_p + sum over free of a x_j = b  =>  x_p = b - sum a x_j
                    form.constant = rows[row][n]
                    for (slot, column) in free.enumerated() { form.coefficients[slot] = .zero - rows[row][column] }
                } else {
                    form.coefficients[position[variable]!] = Fraction(1)
                }
                forms.append(form)
            }
            self.forms = forms
            fractional = (0..<n).filter { variable in
                forms[variable].constant.denominator != 1 || forms[variable].coefficients.contains { $0.denominator != 1 }
            }
            // Bounds of the eliminated unknowns and the original inequalities, over the free ones.
            var reduced = [Constraint]()
            for variable in 0..<n where pivotOf[variable] != nil {
                reduced.append(Self.inequality(forms[variable], atMost: Fraction(system.upper[variable])))
                reduced.append(Self.inequality(forms[variable].negated, atMost: Fraction(-system.lower[variable])))
            }
            for constraint in system.constraints where !constraint.isEquality {
                reduced.append(Self.inequality(Self.combine(constraint.terms, forms: forms, freeCount: free.count), atMost: Fraction(constraint.bound)))
            }
            self.reduced = reduced.filter { !$0.terms.isEmpty || $0.bound < 0 }
        }

        private static func combine(_ terms: [Term], forms: [Affine], freeCount: Int) -> Affine {
            var sum = Affine(constant: .zero, coefficients: Array(repeating: .zero, count: freeCount))
            for term in terms {
                let form = forms[term.variable]
                let c = Fraction(term.coefficient)
                sum.constant = sum.constant + c * form.constant
                for slot in 0..<freeCount where !form.coefficients[slot].isZero {
                    sum.coefficients[slot] = sum.coefficients[slot] + c * form.coefficients[slot]
                }
            }
            return sum
        }

        /// form <= bound as an integer inequality over the free unknowns (slots), scaled by the
        /// denominators' least common multiple; the bound rounds down (the left side is an integer).
        private static func inequality(_ form: Affine, atMost bound: Fraction) -> Constraint {
            let rest = bound - form.constant
            let scale = form.coefficients.reduce(rest.denominator) { Fraction.lcm($0, $1.denominator) }
            let terms = form.coefficients.enumerated().compactMap { slot, coefficient -> Term? in
                coefficient.isZero ? nil : Term(variable: slot, coefficient: coefficient.numerator * (scale / coefficient.denominator))
            }
            let scaled = rest.numerator * (scale / rest.denominator)
            return Constraint(terms: terms, isEquality: false, bound: scaled)
        }

        /// The full solution from the free unknowns' values, nil when an eliminated unknown is
        /// not a whole number.
        private func expand(_ values: [Int]) -> [Int]? {
            guard let forms else { return nil }
            var full = [Int]()
            full.reserveCapacity(forms.count)
            for (variable, form) in forms.enumerated() {
                var value = form.constant
                for (slot, coefficient) in form.coefficients.enumerated() where !coefficient.isZero {
                    value = value + coefficient * Fraction(values[slot])
                }
                if fractional.contains(variable) {
                    guard value.denominator == 1 else { return nil }
                }
                full.append(value.numerator)
            }
            return full
        }

        // MARK: Questions

        /// Whether `terms` (a sum of unknowns) is the same in every solution; `hint`, a known
        /// solution, saves one search.
        func determination(of terms: [Term], hint: [Int]? = nil) -> Determination {
            guard let forms else { return .infeasible }
            let base: [Int]
            if let hint {
                base = hint
            } else {
                switch search(extra: []) {
                case .found(let solution): base = solution
                case .none: return .infeasible
                case .exhausted: return .undecided
                }
            }
            let value = terms.reduce(0) { $0 + $1.coefficient * base[$1.variable] }
            let form = Self.combine(terms, forms: forms, freeCount: free.count)
            // Constant on every solution of the equations: settled without a search.
            if form.coefficients.allSatisfy(\.isZero) { return .determined(value) }
            var exhausted = false
            // f <= v - 1, then -f <= -v - 1.
            for (side, limit) in [(form, value - 1), (form.negated, -value - 1)] {
                // The relaxation proves most of these empty at once (see LinearProgram).
                if let least = relaxedMinimum(of: side), least > Double(limit) + 1e-6 { continue }
                switch search(extra: [Self.inequality(side, atMost: Fraction(limit))]) {
                case .found(let witness): return .free(witness: witness)
                case .none: break
                case .exhausted: exhausted = true
                }
            }
            return exhausted ? .undecided : .determined(value)
        }

        /// One solution, nil when there is none (or the budget ran out).
        func solution() -> [Int]? {
            if case .found(let solution) = search(extra: []) { return solution }
            return nil
        }

        /// Solutions that differ where the system lets them: each free unknown's lowest and
        /// highest values are tried first in turn, so most sums that vary are seen to vary
        /// without a dedicated search.
        func diverseSolutions() -> [[Int]] {
            var found = [[Int]]()
            for slot in free.indices {
                for high in [false, true] {
                    if case .found(let solution) = search(extra: [], prefer: slot, high: high) { found.append(solution) }
                }
            }
            if free.isEmpty, case .found(let solution) = search(extra: []) { found.append(solution) }
            return found
        }

        /// The least value of `form` over the relaxation (real numbers within the bounds), nil
        /// when even that is empty.
        private func relaxedMinimum(of form: Affine) -> Double? {
            let constraints = reduced.map { constraint -> (coefficients: [Double], bound: Double) in
                var coefficients = [Double](repeating: 0, count: free.count)
                for term in constraint.terms { coefficients[term.variable] += Double(term.coefficient) }
                return (coefficients, Double(constraint.bound))
            }
            let objective = form.coefficients.map(\.double)
            return LinearProgram.minimum(
                of: objective, constraints: constraints, lower: free.map { Double(system.lower[$0]) },
                upper: free.map { Double(system.upper[$0]) }
            ).map { $0 + form.constant.double }
        }

        private func relaxationFeasible(_ constraints: [Constraint], _ lo: [Int], _ hi: [Int]) -> Bool {
            let rows = constraints.map { constraint -> (coefficients: [Double], bound: Double) in
                var coefficients = [Double](repeating: 0, count: free.count)
                for term in constraint.terms { coefficients[term.variable] += Double(term.coefficient) }
                return (coefficients, Double(constraint.bound))
            }
            return LinearProgram.minimum(
                of: Array(repeating: 0, count: free.count), constraints: rows,
                lower: lo.map(Double.init), upper: hi.map(Double.init)) != nil
        }

        // MARK: Search over the free unknowns

        private enum Outcome {
            case found([Int])
            case none
            case exhausted
        }

        private func search(extra: [Constraint], prefer: Int? = nil, high: Bool = false) -> Outcome {
            guard forms != nil else { return .none }
            let constraints = reduced + extra
            var nodes = 0
            var stack = [(free.map { system.lower[$0] }, free.map { system.upper[$0] })]
            while let (low, top) = stack.popLast() {
                nodes += 1
                if nodes > budget { return .exhausted }
                var lo = low
                var hi = top
                guard Self.propagate(constraints, &lo, &hi) else { continue }
                // An empty relaxation prunes what propagation around cycles cannot (checked once a
                // search has not ended within a few nodes, as most do).
                if nodes > 16, lo != hi, !relaxationFeasible(constraints, lo, hi) { continue }
                var branch: Int?
                if let prefer, lo[prefer] < hi[prefer] {
                    branch = prefer
                } else {
                    var narrowest = Int.max
                    for slot in lo.indices where lo[slot] < hi[slot] && hi[slot] - lo[slot] < narrowest {
                        narrowest = hi[slot] - lo[slot]
                        branch = slot
                    }
                }
                guard let slot = branch else {
                    if let full = expand(lo) { return .found(full) }
                    continue
                }
                let middle = lo[slot] + (hi[slot] - lo[slot]) / 2
                var left = (lo, hi)
                left.1[slot] = middle
                var right = (lo, hi)
                right.0[slot] = middle + 1
                // The last pushed is explored first: the high half when preferred high.
                if slot == prefer && high {
                    stack.append(left)
                    stack.append(right)
                } else {
                    stack.append(right)
                    stack.append(left)
                }
            }
            return .none
        }

        /// Tightens the bounds until every inequality is bounds-consistent; false when a domain
        /// empties.
        static func propagate(_ constraints: [Constraint], _ lo: inout [Int], _ hi: inout [Int]) -> Bool {
            var changed = true
            var rounds = 0
            while changed {
                changed = false
                rounds += 1
                if rounds > 64 { return true }  // slow convergence around a cycle: the search splits instead
                for constraint in constraints {
                    var minimum = 0
                    for term in constraint.terms {
                        minimum += Swift.min(term.coefficient * lo[term.variable], term.coefficient * hi[term.variable])
                    }
                    if minimum > constraint.bound { return false }
                    for term in constraint.terms {
                        let c = term.coefficient
                        let own = Swift.min(c * lo[term.variable], c * hi[term.variable])
                        // c x <= bound - (minimum of the others)
                        let room = constraint.bound - (minimum - own)
                        if c > 0 {
                            let limit = floorDivide(room, c)
                            if limit < hi[term.variable] {
                                if limit < lo[term.variable] { return false }
                                hi[term.variable] = limit
                                changed = true
                            }
                        } else {
                            let limit = ceilDivide(room, c)
                            if limit > lo[term.variable] {
                                if limit > hi[term.variable] { return false }
                                lo[term.variable] = limit
                                changed = true
                            }
                        }
                        minimum += Swift.min(c * lo[term.variable], c * hi[term.variable]) - own
                    }
                }
            }
            return true
        }

        private static func floorDivide(_ a: Int, _ b: Int) -> Int {
            let quotient = a / b
            return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
        }

        private static func ceilDivide(_ a: Int, _ b: Int) -> Int {
            let quotient = a / b
            return (a % b != 0 && (a < 0) == (b < 0)) ? quotient + 1 : quotient
        }
    }
}

/// An exact fraction of two integers in lowest terms (positive denominator), for eliminating
/// the equations of small systems without rounding.
struct Fraction: Hashable, Sendable {
    let numerator: Int
    let denominator: Int

    static let zero = Fraction(0)

    init(_ value: Int) {
        numerator = value
        denominator = 1
    }

    init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator != 0, "division by zero")
        let divisor = Fraction.gcd(numerator, denominator)
        let sign = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    var isZero: Bool { numerator == 0 }

    var double: Double { Double(numerator) / Double(denominator) }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return max(x, 1)
    }

    static func lcm(_ a: Int, _ b: Int) -> Int { a / gcd(a, b) * b }

    static func + (lhs: Fraction, rhs: Fraction) -> Fraction {
        Fraction(lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }

    static func - (lhs: Fraction, rhs: Fraction) -> Fraction {
        Fraction(lhs.numerator * rhs.denominator - rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }

    static func * (lhs: Fraction, rhs: Fraction) -> Fraction {
        Fraction(lhs.numerator * rhs.numerator, lhs.denominator * rhs.denominator)
    }

    static func / (lhs: Fraction, rhs: Fraction) -> Fraction {
        Fraction(lhs.numerator * rhs.denominator, lhs.denominator * rhs.numerator)
    }
}
