/// A unit written in UCUM (the Unified Code for Units of Measure, https://ucum.org/ucum),
/// reduced to a factor times base units.
///
/// Cohort reads the part of UCUM that clinical exports use: metric prefixes on metric atoms,
/// customary mass and length, time, pressure, percent, powers of ten, exponents, products
/// (`.`), quotients (`/`), parentheses, the special temperature units `Cel` and `[degF]`, and
/// annotations (`{1.73_m2}`). Annotations are dimensionless in UCUM, which would let
/// `mL/min` and `mL/min/{1.73_m2}` convert into each other; they mean different things (raw
/// clearance vs body-surface normalised eGFR), so Cohort keeps annotations and refuses to
/// convert between units whose annotations differ.
public struct UCUMUnit: Hashable, Sendable, CustomStringConvertible {
    /// The unit as written.
    public var text: String
    /// Multiplying a value in this unit by `factor` gives it in base units (g, m, s, mol, K).
    public var factor: Double
    public var dimension: Dimension
    /// Sorted annotations, e.g. ["1.73_m2"].
    public var annotations: [String]
    /// Set for the units with an offset (Celsius, Fahrenheit), which only convert alone.
    public var temperatureScale: TemperatureScale?
    /// Arbitrary units (`[IU]`): comparable only with the same unit.
    public var arbitrary: [String]
    /// The power of `eq` in the unit: equivalents count charges, so converting them to moles
    /// needs the ion's valence (UCUM takes eq as mol).
    public var equivalents: Int8
    /// Dimensionless, yet a ratio of like quantities (mmol/mol, g/g): a different scale from a
    /// plain fraction (%, 1) more often than not (HbA1c in IFCC mmol/mol vs NGSP %), so the two
    /// are never converted into each other without the study saying how.
    public var isRatioOfLikeQuantities: Bool

    public enum TemperatureScale: String, Hashable, Sendable {
        case celsius = "Cel"
        case fahrenheit = "[degF]"
    }

    public var description: String { text }

    /// Why `text` is not a unit Cohort reads, or nil when it is.
    public static func problem(with text: String) -> String? {
        do {
            _ = try UCUMUnit(parsing: text)
            return nil
        } catch {
            return error.problem
        }
    }

    public init(parsing text: String) throws(UCUMError) {
        var parser = UCUMParser(text: text)
        let term = try parser.parseUnit()
        self.text = text
        factor = term.factor
        dimension = term.dimension
        annotations = term.annotations.sorted()
        temperatureScale = term.temperatureScale
        arbitrary = term.arbitrary.sorted()
        equivalents = term.equivalents
        isRatioOfLikeQuantities = term.dimension == .none && term.hasAtoms && term.temperatureScale == nil
    }
}

/// Why a unit could not be read or converted.
public struct UCUMError: Error, Hashable, Sendable, CustomStringConvertible {
    public var unit: String
    public var problem: String

    public var description: String { "unit '\(unit)': \(problem)" }
}
