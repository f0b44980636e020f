/// The counts a publication prints, and how they are linked: tables whose cells add up to a
/// total, statements that bound counts (a "more than half missing" flag), and the groups of
/// cells whose sums are themselves counts of patients.
///
/// Disclosure control works on the whole of it as one problem: a count hidden in one table
/// can be recovered through another that shares a cell (kept patients are a cell of the
/// exclusion table and the total of the label table and of every feature's missingness), so
/// suppression decided one table at a time leaks.
struct LinkedTables: Sendable {
    /// A count the publication prints (or hides), or an unpublished count that links tables
    /// (e.g. the eligible patients, which equal kept plus complete-case exclusions).
    struct Cell: Sendable {
        var name: String
        var value: Int
        var published: Bool
    }

    /// `total = sum of parts`.
    struct Table: Sendable {
        var total: Int
        var parts: [Int]
    }

    /// A linear statement about counts that the publication makes (and that can be withheld):
    /// `sum of coefficient x cell <= bound`.
    struct Statement: Sendable {
        var name: String
        var terms: [(cell: Int, coefficient: Int)]
        var bound: Int
    }

    private(set) var cells: [Cell] = []
    private(set) var tables: [Table] = []
    private(set) var statements: [Statement] = []
    /// Cells whose partial sums count patients (the parts of one partition).
    private(set) var groups: [[Int]] = []

    /// A printed count.
    mutating func cell(_ name: String, _ value: Int) -> Int {
        cells.append(Cell(name: name, value: value, published: true))
        return cells.count - 1
    }

    /// A count that is never printed but links tables.
    mutating func link(_ name: String, _ value: Int) -> Int {
        cells.append(Cell(name: name, value: value, published: false))
        return cells.count - 1
    }

    /// `total = sum of parts`; the parts' partial sums count patients unless `counting` is false
    /// (e.g. the eligible patients regrouped from the exclusion table).
    mutating func table(total: Int, parts: [Int], counting: Bool = true) {
        precondition(cells[total].value == parts.reduce(0) { $0 + cells[$1].value }, "\(cells[total].name) is not the sum of its parts")
        tables.append(Table(total: total, parts: parts))
        if counting { groups.append(parts) }
    }

    /// A further group of cells whose partial sums count patients (a nesting of tables, such as
    /// the label cells together with the exclusions they sit beside).
    mutating func group(_ members: [Int]) {
        groups.append(members)
    }

    /// A published statement; returns its index.
    /// Coefficients are divided by their greatest common divisor (500 m - 500 p <= 0 is
    /// m - p <= 0), which keeps the audit's bound propagation in small steps.
    @discardableResult
    mutating func statement(_ name: String, _ terms: [(cell: Int, coefficient: Int)], atMost bound: Int) -> Int {
        precondition(terms.reduce(0) { $0 + $1.coefficient * cells[$1.cell].value } <= bound, "statement '\(name)' is false")
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        let divisor = max(1, terms.reduce(0) { gcd($0, $1.coefficient) })
        // Integers: sum of (c / d) x <= floor(bound / d).
        let reducedBound = bound >= 0 ? bound / divisor : -((-bound + divisor - 1) / divisor)
        statements.append(Statement(name: name, terms: terms.map { ($0.cell, $0.coefficient / divisor) }, bound: reducedBound))
        return statements.count - 1
    }

    /// The tables each cell belongs to (as a part or a total).
    func tableCount(of cell: Int) -> Int {
        tables.reduce(0) { $0 + (($1.total == cell || $1.parts.contains(cell)) ? 1 : 0) }
    }
}
