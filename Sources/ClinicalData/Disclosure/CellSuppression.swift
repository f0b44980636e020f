/// Primary and complementary suppression of linked tables, solved as one problem.
///
/// Primary: every count from 1 to `threshold - 1` is hidden ("<11"). Complementary: while the
/// audit finds a small count that the printed figures still determine, one more cell is
/// withheld, chosen among the printed cells of 11 or more in the tables that link to the leak:
/// first those that belong to the fewest tables (withholding kept patients would ripple through
/// the label and every feature; an exclusion count does not), then the smallest (the least
/// information lost), and among them the first whose withholding alone protects the count.
/// Published statements (flags) are withdrawn only when no cell can protect the count.
/// The result is audited again in full, so whatever the heuristic picks, nothing is released
/// that the attacker can resolve.
struct CellSuppression {
    let rule: SmallCellRule

    struct Result: Sendable {
        var counts: [PublishedCount]
        /// Whether each statement of the tables is published.
        var statements: [Bool]
        /// Cells withheld to protect others.
        var withheld: Int { counts.filter { $0 == .withheld }.count }
    }

    func protect(_ tables: LinkedTables) -> Result {
        let audit = DisclosureAudit(tables: tables, threshold: rule.threshold)
        var states: [DisclosureAudit.State] = tables.cells.map { rule.hides($0.value) ? .small : .exact }
        var statements = [Bool](repeating: true, count: tables.statements.count)

        var previous: DisclosureAudit.Leak?
        // The leak just worked on is checked first: it usually survives a few withheld cells,
        // and checking it alone is much cheaper than a full audit.
        while let leak = previous.flatMap({ audit.discloses($0.cells, states, statements: statements) ? $0 : nil })
            ?? audit.leaks(states, statements: statements, first: true).first
        {
            previous = leak
            let candidates = self.candidates(around: leak.cells, tables: tables, states: states)
            if let cell = candidates.first(where: { candidate in
                var trial = states
                trial[candidate] = .withheld
                return !audit.discloses(leak.cells, trial, statements: statements)
            }) ?? candidates.first {
                states[cell] = .withheld
                continue
            }
            // No printed cell is left to withhold near the leak: withdraw a statement (a flag),
            // then, failing that, withhold every printed count of 11 or more.
            if let statement = statements.firstIndex(of: true) {
                statements[statement] = false
                continue
            }
            for index in states.indices where states[index] == .exact && tables.cells[index].value >= rule.threshold { states[index] = .withheld }
            break
        }
        let counts = zip(tables.cells, states).map { cell, state -> PublishedCount in
            switch state {
            case .exact: .exact(cell.value)
            case .small: .small(below: rule.threshold)
            case .withheld: .withheld
            }
        }
        return Result(counts: counts, statements: statements)
    }

    /// Printed cells of `threshold` or more in the tables around `cells`, widening ring by ring
    /// until some exist; best candidates first.
    private func candidates(around cells: [Int], tables: LinkedTables, states: [DisclosureAudit.State]) -> [Int] {
        var reached = Set(cells)
        var frontier = Set(cells)
        while !frontier.isEmpty {
            var next = Set<Int>()
            for table in tables.tables where frontier.contains(table.total) || table.parts.contains(where: frontier.contains) {
                for member in [table.total] + table.parts where reached.insert(member).inserted { next.insert(member) }
            }
            let found = reached.filter { tables.cells[$0].published && states[$0] == .exact && tables.cells[$0].value >= rule.threshold }
            if !found.isEmpty {
                return found.sorted { (tables.tableCount(of: $0), tables.cells[$0].value, $0) < (tables.tableCount(of: $1), tables.cells[$1].value, $1) }
            }
            frontier = next
        }
        return []
    }
}
