/// The attacker of the disclosure model, run on a publication before it is released: it
/// knows how the tables are linked and the rule (zeros are printed, "<11" is 1 to 10, a
/// withheld cell is 11 or more) and looks for a count from 1 to 10 that every cohort
/// consistent with the printed figures agrees on.
///
/// The counts it checks are the hidden small cells and every sum of hidden small cells of one
/// group (a union of categories of one partition is a count of patients: died + born after the
/// index date). Cells of 11 or more may be learnt: the rule only protects small counts.
struct DisclosureAudit {
    /// The state of each cell being decided.
    enum State: Equatable, Sendable {
        case exact
        case small
        case withheld
    }

    /// A count the published figures determine.
    struct Leak: Equatable, Sendable, CustomStringConvertible {
        var cells: [Int]
        var value: Int?
        var names: [String]
        var description: String {
            names.joined(separator: " + ") + (value.map { " = \($0)" } ?? " (undecided)")
        }
    }

    let tables: LinkedTables
    let threshold: Int

    /// The attacker's system for cells in `states` (links are unknowns) with the published
    /// statements; `variables[cell]` is the unknown of a hidden cell.
    ///
    /// Unknowns are bounded above by twice the largest count plus 100: an attacker who knows
    /// that much is stronger than one who does not (the bound only removes cohorts), and finite
    /// domains keep bound propagation quick.
    func system(_ states: [State], statements: [Bool]) -> (IntegerSystem, variables: [Int?]) {
        var system = IntegerSystem()
        var variables = [Int?](repeating: nil, count: tables.cells.count)
        let ceiling = 2 * (tables.cells.map(\.value).max() ?? 0) + 100
        for (index, cell) in tables.cells.enumerated() {
            if !cell.published {
                variables[index] = system.addVariable(lower: 0, upper: ceiling)
            } else {
                switch states[index] {
                case .exact: break
                case .small: variables[index] = system.addVariable(lower: 1, upper: threshold - 1)
                case .withheld: variables[index] = system.addVariable(lower: threshold, upper: ceiling)
                }
            }
        }
        func linear(_ terms: [(cell: Int, coefficient: Int)]) -> ([IntegerSystem.Term], constant: Int) {
            var result = [IntegerSystem.Term]()
            var constant = 0
            for (cell, coefficient) in terms {
                if let variable = variables[cell] {
                    result.append(IntegerSystem.Term(variable: variable, coefficient: coefficient))
                } else {
                    constant += coefficient * tables.cells[cell].value
                }
            }
            return (result, constant)
        }
        for table in tables.tables {
            let (terms, constant) = linear([(table.total, -1)] + table.parts.map { ($0, 1) })
            if !terms.isEmpty { system.add(terms, equals: -constant) }
        }
        for (statement, published) in zip(tables.statements, statements) where published {
            let (terms, constant) = linear(statement.terms)
            if !terms.isEmpty { system.add(terms, atMost: statement.bound - constant) }
        }
        return (system, variables)
    }

    /// The sums the attacker tries: each hidden small cell, and the sums of hidden small cells
    /// within each group: every subset for groups of up to 10 such cells (all that the property
    /// test generates); beyond that, a bound on the work, pairs, the whole and the whole but one.
    func sensitiveSums(_ states: [State]) -> [[Int]] {
        var sums = [[Int]]()
        var seen = Set<[Int]>()
        func add(_ cells: [Int]) {
            let key = cells.sorted()
            if !key.isEmpty, seen.insert(key).inserted { sums.append(key) }
        }
        for index in tables.cells.indices where tables.cells[index].published && states[index] == .small { add([index]) }
        for group in tables.groups {
            let members = group.filter { tables.cells[$0].published && states[$0] == .small }
            if members.count <= 10 {
                for mask in 1..<(1 << members.count) {
                    add(members.indices.filter { mask & (1 << $0) != 0 }.map { members[$0] })
                }
            } else {
                for i in members.indices {
                    for j in members.indices where j > i { add([members[i], members[j]]) }
                    add(members.filter { $0 != members[i] })
                }
                add(members)
            }
        }
        return sums
    }

    /// Every count from 1 to `threshold - 1` the figures determine (`first`: stop at one).
    func leaks(_ states: [State], statements: [Bool], first: Bool = false) -> [Leak] {
        let (system, variables) = system(states, statements: statements)
        let sums = sensitiveSums(states)
        guard !sums.isEmpty else { return [] }
        let solver = IntegerSystem.Solver(system)
        // Known solutions: a sum that differs between two of them is free without a search.
        var samples = solver.diverseSolutions()
        var leaks = [Leak]()
        for cells in sums {
            let terms = cells.map { IntegerSystem.Term(variable: variables[$0]!, coefficient: 1) }
            func value(_ solution: [Int]) -> Int { terms.reduce(0) { $0 + solution[$1.variable] } }
            if let firstSample = samples.first, samples.contains(where: { value($0) != value(firstSample) }) { continue }
            switch solver.determination(of: terms, hint: samples.first) {
            case .free(let witness):
                if let witness { samples.append(witness) }
                continue
            case .determined(let sum):
                guard sum >= 1, sum < threshold else { continue }
                leaks.append(Leak(cells: cells, value: sum, names: cells.map { tables.cells[$0].name }))
            case .undecided, .infeasible:
                leaks.append(Leak(cells: cells, value: nil, names: cells.map { tables.cells[$0].name }))
            }
            if first { return leaks }
        }
        return leaks
    }

    /// Whether `cells` sum to a determined small count.
    func discloses(_ cells: [Int], _ states: [State], statements: [Bool]) -> Bool {
        let (system, variables) = system(states, statements: statements)
        let terms = cells.map { IntegerSystem.Term(variable: variables[$0]!, coefficient: 1) }
        switch IntegerSystem.Solver(system).determination(of: terms) {
        case .free: return false
        case .determined(let sum): return sum >= 1 && sum < threshold
        case .undecided, .infeasible: return true
        }
    }
}
