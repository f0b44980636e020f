/// The smallest value of a linear objective over a bounded polytope (the LP relaxation of the
/// disclosure audit's integer systems): a dense two-phase simplex with Bland's rule.
///
/// The audit uses it to prove that a count cannot leave a value: if even the relaxation keeps
/// a sum of hidden cells above v - 1, no cohort of whole numbers puts it at v - 1 or below.
/// Proving such emptiness by splitting domains alone is exponential in the number of unknowns;
/// the relaxation does it in one solve. (Finding a cohort, the other half of the question, stays
/// with the integer search, which finds one quickly.) The systems are tiny (a few free unknowns,
/// tens of inequalities), so a dense tableau in doubles with a small tolerance is enough.
enum LinearProgram {
    /// min objective . x subject to constraints (a . x <= b) and lower <= x <= upper; nil when
    /// infeasible.
    static func minimum(
        of objective: [Double], constraints: [(coefficients: [Double], bound: Double)],
        lower: [Double], upper: [Double]
    ) -> Double? {
        let n = objective.count
        // Shift to y = x - lower in [0, upper - lower]; the upper bounds become rows.
        var rows = constraints.map { constraint -> (a: [Double], b: Double) in
            (constraint.coefficients, constraint.bound - zip(constraint.coefficients, lower).reduce(0) { $0 + $1.0 * $1.1 })
        }
        for j in 0..<n {
            var a = [Double](repeating: 0, count: n)
            a[j] = 1
            rows.append((a, upper[j] - lower[j]))
        }
        let m = rows.count
        // Columns: y (n), slacks (m), artificials (m, used where the bound is negative), right side.
        // One flat row-major buffer: the solve is all pivots, and nested arrays would copy.
        var tableau = Tableau(rows: m, width: n + 2 * m + 1)
        var artificial = [Bool](repeating: false, count: m)
        for (i, row) in rows.enumerated() {
            let sign: Double = row.b < 0 ? -1 : 1
            for j in 0..<n { tableau[i, j] = sign * row.a[j] }
            tableau[i, n + i] = sign
            tableau[i, tableau.width - 1] = sign * row.b
            if sign < 0 {
                tableau[i, n + m + i] = 1
                tableau.basis[i] = n + m + i
                artificial[i] = true
            } else {
                tableau.basis[i] = n + i
            }
        }
        // Phase 1: drive the artificials out.
        if artificial.contains(true) {
            var cost = [Double](repeating: 0, count: tableau.width)
            for i in 0..<m where artificial[i] { cost[n + m + i] = 1 }
            guard let value = tableau.minimize(cost, columns: n + 2 * m), value < 1e-7 else { return nil }
            // Artificials left in the basis at zero: pivot them out where possible.
            for i in 0..<m where tableau.basis[i] >= n + m {
                if let j = (0..<(n + m)).first(where: { abs(tableau[i, $0]) > 1e-9 }) { tableau.pivot(row: i, column: j) }
            }
        }
        var cost = [Double](repeating: 0, count: tableau.width)
        for j in 0..<n { cost[j] = objective[j] }
        guard let value = tableau.minimize(cost, columns: n + m) else { return nil }
        return value + zip(objective, lower).reduce(0) { $0 + $1.0 * $1.1 }
    }

    private struct Tableau {
        let rows: Int
        let width: Int
        var cells: [Double]
        var basis: [Int]

        init(rows: Int, width: Int) {
            self.rows = rows
            self.width = width
            cells = [Double](repeating: 0, count: rows * width)
            basis = [Int](repeating: 0, count: rows)
        }

        subscript(row: Int, column: Int) -> Double {
            get { cells[row * width + column] }
            set { cells[row * width + column] = newValue }
        }

        /// Minimizes cost . x from the current basis (only `columns` may enter); Bland's rule:
        /// the first improving column, then the first of the tied rows.
        mutating func minimize(_ cost: [Double], columns: Int) -> Double? {
            let rows = self.rows
            let width = self.width
            for _ in 0..<10_000 {
                let entering: Int? = cells.withUnsafeBufferPointer { t in
                    for j in 0..<columns {
                        var reduced = cost[j]
                        for i in 0..<rows {
                            let a = t[i * width + j]
                            if a != 0 { reduced -= cost[self.basis[i]] * a }
                        }
                        if reduced < -1e-9 { return j }
                    }
                    return nil
                }
                guard let column = entering else {
                    return (0..<rows).reduce(0) { $0 + cost[self.basis[$1]] * self[$1, width - 1] }
                }
                var leaving: Int?
                var best = Double.infinity
                for i in 0..<rows {
                    let a = self[i, column]
                    guard a > 1e-9 else { continue }
                    let ratio = self[i, width - 1] / a
                    if ratio < best - 1e-12 || (abs(ratio - best) <= 1e-12 && self.basis[i] < self.basis[leaving!]) {
                        best = ratio
                        leaving = i
                    }
                }
                guard let row = leaving else { return -Double.infinity }  // unbounded (not for bounded systems)
                pivot(row: row, column: column)
            }
            return nil
        }

        mutating func pivot(row: Int, column: Int) {
            let width = self.width
            let rows = self.rows
            cells.withUnsafeMutableBufferPointer { t in
                let scale = t[row * width + column]
                for j in 0..<width { t[row * width + j] /= scale }
                for i in 0..<rows where i != row {
                    let factor = t[i * width + column]
                    guard factor != 0 else { continue }
                    for j in 0..<width {
                        let a = t[row * width + j]
                        if a != 0 { t[i * width + j] -= factor * a }
                    }
                }
            }
            basis[row] = column
        }
    }
}
