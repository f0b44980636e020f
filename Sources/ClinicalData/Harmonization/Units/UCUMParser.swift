/// A recursive-descent reader for the UCUM grammar subset Cohort supports (see `UCUMUnit`).
///
/// Atom values are UCUM's definitions (UCUM revision 2.1, tables of base and derived units):
/// `[lb_av]` = 453.59237 g, `[oz_av]` = 28.349523125 g, `[in_i]` = 2.54 cm, `[ft_i]` = 12 `[in_i]`,
/// `m[Hg]` = 133.3220 kPa, `L` = dm3, `a` = 365.25 d (Julian year), `mo` = a/12, `U` = umol/min,
/// `eq` = mol (UCUM's definition; the parser counts eq atoms so that a conversion can apply the
/// ion's valence, which UCUM leaves out), `%` = 10^-2.
struct UCUMParser {
    struct Term {
        var factor: Double = 1
        var dimension = Dimension.none
        var annotations: [String] = []
        var temperatureScale: UCUMUnit.TemperatureScale?
        var arbitrary: [String] = []
        /// The power of `eq` (1 for mEq/L).
        var equivalents: Int8 = 0
        /// Whether any dimensional atom went into it (mmol/mol does; % and 1 do not).
        var hasAtoms = false

        mutating func multiply(by other: Term, power: Int8) {
            factor *= pow(other.factor, Int(power))
            dimension = dimension + other.dimension * power
            annotations += other.annotations
            arbitrary += other.arbitrary
            equivalents += other.equivalents * power
            hasAtoms = hasAtoms || other.hasAtoms
        }
    }

    private struct Atom {
        var factor: Double
        var dimension: Dimension
        /// Whether metric prefixes may be applied (UCUM's "metric" flag).
        var metric: Bool
    }

    private static let atoms: [String: Atom] = {
        let pressure = Dimension(mass: 1, length: -1, time: -2)
        return [
            "g": Atom(factor: 1, dimension: Dimension(mass: 1), metric: true),
            "m": Atom(factor: 1, dimension: Dimension(length: 1), metric: true),
            "s": Atom(factor: 1, dimension: Dimension(time: 1), metric: true),
            "mol": Atom(factor: 1, dimension: Dimension(amount: 1), metric: true),
            "K": Atom(factor: 1, dimension: Dimension(temperature: 1), metric: true),
            "L": Atom(factor: 1e-3, dimension: Dimension(length: 3), metric: true),
            "l": Atom(factor: 1e-3, dimension: Dimension(length: 3), metric: true),
            "eq": Atom(factor: 1, dimension: Dimension(amount: 1), metric: true),
            "osm": Atom(factor: 1, dimension: Dimension(amount: 1), metric: true),
            "kat": Atom(factor: 1, dimension: Dimension(time: -1, amount: 1), metric: true),
            "U": Atom(factor: 1e-6 / 60, dimension: Dimension(time: -1, amount: 1), metric: true),
            "Pa": Atom(factor: 1000, dimension: pressure, metric: true),
            "bar": Atom(factor: 1e8, dimension: pressure, metric: true),
            "m[Hg]": Atom(factor: 133.3220e6, dimension: pressure, metric: true),
            "min": Atom(factor: 60, dimension: Dimension(time: 1), metric: false),
            "h": Atom(factor: 3600, dimension: Dimension(time: 1), metric: false),
            "d": Atom(factor: 86_400, dimension: Dimension(time: 1), metric: false),
            "wk": Atom(factor: 604_800, dimension: Dimension(time: 1), metric: false),
            "a": Atom(factor: 31_557_600, dimension: Dimension(time: 1), metric: false),
            "mo": Atom(factor: 31_557_600 / 12, dimension: Dimension(time: 1), metric: false),
            "[lb_av]": Atom(factor: 453.59237, dimension: Dimension(mass: 1), metric: false),
            "[oz_av]": Atom(factor: 28.349523125, dimension: Dimension(mass: 1), metric: false),
            "[in_i]": Atom(factor: 0.0254, dimension: Dimension(length: 1), metric: false),
            "[ft_i]": Atom(factor: 0.3048, dimension: Dimension(length: 1), metric: false),
            "%": Atom(factor: 0.01, dimension: .none, metric: false)
        ]
    }()

    /// UCUM prefixes (case-sensitive: `m` milli, `M` mega; `da` deka is the two-letter one).
    private static let prefixes: [String: Double] = [
        "Y": 1e24, "Z": 1e21, "E": 1e18, "P": 1e15, "T": 1e12, "G": 1e9, "M": 1e6, "k": 1e3, "h": 1e2, "da": 1e1,
        "d": 1e-1, "c": 1e-2, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15, "a": 1e-18, "z": 1e-21, "y": 1e-24
    ]

    private static let arbitraryUnits: Set<String> = ["[IU]", "[iU]", "[arb'U]", "[USP'U]"]

    let text: String
    private let characters: [Character]
    private var index = 0

    init(text: String) {
        self.text = text
        characters = Array(text)
    }

    private func failure(_ problem: String) -> UCUMError { UCUMError(unit: text, problem: problem) }

    mutating func parseUnit() throws(UCUMError) -> Term {
        guard !characters.isEmpty else { throw failure("empty unit; write 1 for a dimensionless number") }
        if text == "Cel" || text == "[degF]" {
            var term = Term()
            term.dimension = Dimension(temperature: 1)
            term.temperatureScale = UCUMUnit.TemperatureScale(rawValue: text)
            return term
        }
        let term = try parseTerm()
        guard index == characters.count else { throw failure("unexpected '\(characters[index])' at position \(index + 1)") }
        return term
    }

    private mutating func parseTerm() throws(UCUMError) -> Term {
        var term = Term()
        var power: Int8 = 1
        if peek == "/" {
            index += 1
            power = -1
        }
        term.multiply(by: try parseComponent(), power: power)
        while let next = peek, next == "." || next == "/" {
            index += 1
            term.multiply(by: try parseComponent(), power: next == "/" ? -1 : 1)
        }
        return term
    }

    private var peek: Character? { index < characters.count ? characters[index] : nil }

    private mutating func parseComponent() throws(UCUMError) -> Term {
        var term: Term
        if peek == "(" {
            index += 1
            term = try parseTerm()
            guard peek == ")" else { throw failure("missing ')'") }
            index += 1
        } else if peek == "{" {
            return try Term(annotations: [parseAnnotation()])
        } else {
            term = try parseSimpleUnit()
            if let exponent = parseExponent() {
                var raised = Term()
                raised.multiply(by: term, power: exponent)
                term = raised
            }
        }
        if peek == "{" { term.annotations.append(try parseAnnotation()) }
        return term
    }

    private mutating func parseAnnotation() throws(UCUMError) -> String {
        index += 1
        var annotation = ""
        while let character = peek, character != "}" {
            annotation.append(character)
            index += 1
        }
        guard peek == "}" else { throw failure("annotation '{\(annotation)' is not closed with '}'") }
        index += 1
        return annotation
    }

    /// An optional signed integer exponent directly after a unit ("m2", "s-1").
    private mutating func parseExponent() -> Int8? {
        var end = index
        if end < characters.count, characters[end] == "-" || characters[end] == "+" { end += 1 }
        let digitsStart = end
        while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
        guard end > digitsStart, let value = Int8(String(characters[index..<end])) else { return nil }
        index = end
        return value
    }

    private mutating func parseSimpleUnit() throws(UCUMError) -> Term {
        let start = index
        // Numbers: "1", "10*3", "10^6".
        if let first = peek, first.isASCII, first.isNumber {
            var digits = ""
            while let character = peek, character.isASCII, character.isNumber {
                digits.append(character)
                index += 1
            }
            var factor = Double(digits)!
            if let marker = peek, marker == "*" || marker == "^" {
                index += 1
                guard let exponent = parseExponent() else { throw failure("expected an exponent after '\(marker)'") }
                factor = pow(factor, Int(exponent))
            }
            return Term(factor: factor)
        }
        // The longest symbol: letters, brackets (with their content), '%' and apostrophes.
        var symbol = ""
        while let character = peek {
            if character == "[" {
                while let inner = peek, inner != "]" {
                    symbol.append(inner)
                    index += 1
                }
                guard peek == "]" else { throw failure("'[' without ']'") }
                symbol.append("]")
                index += 1
            } else if character.isLetter || character == "%" || character == "'" || character == "_" {
                symbol.append(character)
                index += 1
            } else {
                break
            }
        }
        guard !symbol.isEmpty else { throw failure("expected a unit at position \(start + 1)") }
        if let atom = Self.atoms[symbol] {
            return Term(atom: symbol, factor: atom.factor, dimension: atom.dimension)
        }
        if Self.arbitraryUnits.contains(symbol) { return Term(arbitrary: [symbol]) }
        for prefixLength in [1, 2] where symbol.count > prefixLength {
            let prefix = String(symbol.prefix(prefixLength))
            let rest = String(symbol.dropFirst(prefixLength))
            if let scale = Self.prefixes[prefix], let atom = Self.atoms[rest], atom.metric {
                return Term(atom: rest, factor: scale * atom.factor, dimension: atom.dimension)
            }
            if let scale = Self.prefixes[prefix], Self.arbitraryUnits.contains(rest) {
                return Term(factor: scale, arbitrary: [rest])
            }
        }
        if symbol == "Cel" || symbol == "[degF]" {
            throw failure("\(symbol) has an offset and cannot be combined with other units")
        }
        throw failure("'\(symbol)' is not a UCUM unit Cohort knows (e.g. mg/dL, mmol/L, kg, [lb_av], cm, [in_i], Cel, [degF], mm[Hg], %, /min)")
    }
}

private func pow(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(exponent) { result *= base }
    return exponent < 0 ? 1 / result : result
}

extension UCUMParser.Term {
    fileprivate init(factor: Double = 1, dimension: Dimension = .none, annotations: [String] = [], arbitrary: [String] = []) {
        self.init()
        self.factor = factor
        self.dimension = dimension
        self.annotations = annotations
        self.arbitrary = arbitrary
    }

    /// A unit atom (prefix applied): counts `eq` and marks the term as built from atoms.
    fileprivate init(atom: String, factor: Double, dimension: Dimension) {
        self.init(factor: factor, dimension: dimension)
        equivalents = atom == "eq" ? 1 : 0
        hasAtoms = atom != "%"
    }
}
