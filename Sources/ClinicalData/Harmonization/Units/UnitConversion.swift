/// Converts values from one UCUM unit to another, including mass to substance concentration
/// when the analyte's molar mass is known.
///
/// Mass and substance concentration: c[mg/dL] = c[mmol/L] x M[g/mol] / 10. With the molar
/// masses the studies declare, 1 mmol/L of glucose (C6H12O6, 180.16 g/mol) is 18.016 mg/dL and
/// 1 mmol/L of cholesterol (C27H46O, 386.65 g/mol) is 38.665 mg/dL (often rounded to 38.67).
/// Temperatures: Cel = K - 273.15; [degF] = Cel x 9/5 + 32 (UCUM's definitions).
/// Equivalents: an ion of valence z has z equivalents per mole, so x mEq/L is x / z mmol/L
/// (calcium and magnesium halve, sodium and potassium stay); without the valence, a unit in eq
/// is refused. Conversions that are not dimensional at all (HbA1c between IFCC mmol/mol and NGSP
/// %) are never derived from the units: the study names them (`ClinicalConversion`).
public struct UnitConversion: Hashable, Sendable {
    public let from: UCUMUnit
    public let to: UCUMUnit
    /// The arithmetic, kept in the form that rounds least: Fahrenheit to Celsius subtracts
    /// first, so 212 [degF] is exactly 100 Cel.
    public enum Arithmetic: Hashable, Sendable {
        case identity
        case scale(Double)
        case fahrenheitToCelsius
        case celsiusToFahrenheit
        /// value x scale + offset (kelvin and the other combinations).
        case affine(scale: Double, offset: Double)
    }

    public let arithmetic: Arithmetic

    public var isIdentity: Bool { arithmetic == .identity }

    /// The multiplicative factor when the conversion is one (nil for temperatures with offsets).
    public var factor: Double? {
        switch arithmetic {
        case .identity: 1
        case .scale(let factor): factor
        default: nil
        }
    }

    public func convert(_ value: Double) -> Double {
        switch arithmetic {
        case .identity: value
        case .scale(let factor): value * factor
        case .fahrenheitToCelsius: (value - 32) * 5 / 9
        case .celsiusToFahrenheit: value * 9 / 5 + 32
        case .affine(let scale, let offset): value * scale + offset
        }
    }

    /// A conversion the study names (not derived from the units).
    public init(from: UCUMUnit, to: UCUMUnit, clinical: ClinicalConversion) {
        self.from = from
        self.to = to
        arithmetic = .affine(scale: clinical.scale, offset: clinical.offset)
    }

    /// The conversion from `from` to `to`, or a reason it does not exist.
    public init(from: UCUMUnit, to: UCUMUnit, molarMass: Double? = nil, valence: Int? = nil) throws(UCUMError) {
        self.from = from
        self.to = to
        if from.text == to.text {
            arithmetic = .identity
            return
        }
        if from.temperatureScale != nil || to.temperatureScale != nil {
            arithmetic = try Self.temperature(from: from, to: to)
            return
        }
        guard from.annotations == to.annotations else {
            let describe = { (unit: UCUMUnit) in unit.annotations.isEmpty ? "no annotation" : unit.annotations.map { "{\($0)}" }.joined() }
            throw UCUMError(
                unit: from.text,
                problem: "differs from \(to.text) in its annotation (\(describe(from)) vs \(describe(to))), "
                    + "which marks a different quantity (e.g. eGFR normalised to 1.73 m2 body surface); not merged")
        }
        guard from.arbitrary == to.arbitrary else {
            throw UCUMError(unit: from.text, problem: "arbitrary units (\((from.arbitrary + to.arbitrary).joined(separator: ", "))) convert only to themselves")
        }
        var ratio = from.factor / to.factor
        if from.equivalents != to.equivalents {
            guard let valence else {
                throw UCUMError(
                    unit: from.text,
                    problem: "counts equivalents (charges) and \(to.text) does not"
                        + (to.equivalents != 0 ? " in the same power" : "")
                        + "; the study must give the ion's valence (valence: 2 for calcium or magnesium, 1 for sodium or potassium) to convert")
            }
            // 1 eq = 1/z mol: each eq in the source divides by z, each in the target multiplies.
            let power = Int(to.equivalents) - Int(from.equivalents)
            for _ in 0..<abs(power) { ratio = power > 0 ? ratio * Double(valence) : ratio / Double(valence) }
        }
        if from.dimension == .none, to.dimension == .none, from.isRatioOfLikeQuantities != to.isRatioOfLikeQuantities {
            throw UCUMError(
                unit: from.text,
                problem: "and \(to.text) are both dimensionless, but one is a ratio of like quantities and the other a plain fraction: "
                    + "often different measurement scales (HbA1c: IFCC mmol/mol vs NGSP %), so they are not converted by their units; "
                    + "name the conversion in the study (convert: {\"\(from.text)\": \(ClinicalConversion.all.map(\.name).joined(separator: " | "))}) if one applies"
            )
        }
        if from.dimension == to.dimension {
            arithmetic = ratio == 1 ? .identity : .scale(ratio)
            return
        }
        let massToAmount = Dimension(mass: 1, amount: -1)
        if let molarMass {
            if from.dimension == to.dimension + massToAmount {
                arithmetic = .scale(ratio / molarMass)
                return
            }
            if to.dimension == from.dimension + massToAmount {
                arithmetic = .scale(ratio * molarMass)
                return
            }
        } else if from.dimension == to.dimension + massToAmount || to.dimension == from.dimension + massToAmount {
            throw UCUMError(
                unit: from.text,
                problem: "is a \(from.dimension) and \(to.text) a \(to.dimension); the study must give the analyte's molar_mass (g/mol) to convert")
        }
        throw UCUMError(unit: from.text, problem: "(\(from.dimension)) cannot be converted to \(to.text) (\(to.dimension))")
    }

    private static func temperature(from: UCUMUnit, to: UCUMUnit) throws(UCUMError) -> Arithmetic {
        // Both sides as (scale, offset) to kelvin: K = value x a + b.
        func toKelvin(_ unit: UCUMUnit) throws(UCUMError) -> (Double, Double) {
            switch unit.temperatureScale {
            case .celsius: return (1, 273.15)
            case .fahrenheit: return (5.0 / 9.0, 273.15 - 32 * 5.0 / 9.0)
            case nil:
                guard unit.dimension == Dimension(temperature: 1), unit.annotations.isEmpty else {
                    throw UCUMError(unit: unit.text, problem: "is not a temperature (\(unit.dimension))")
                }
                return (unit.factor, 0)
            }
        }
        let (a1, b1) = try toKelvin(from)
        let (a2, b2) = try toKelvin(to)
        switch (from.temperatureScale, to.temperatureScale) {
        case (.fahrenheit, .celsius): return .fahrenheitToCelsius
        case (.celsius, .fahrenheit): return .celsiusToFahrenheit
        default: return .affine(scale: a1 / a2, offset: (b1 - b2) / a2)
        }
    }
}
