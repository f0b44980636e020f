/// Converts values from one UCUM unit to another, including mass to substance concentration
/// when the analyte's molar mass is known.
///
/// Mass and substance concentration: c[mg/dL] = c[mmol/L] x M[g/mol] / 10. With the molar
/// masses the studies declare, 1 mmol/L of glucose (C6H12O6, 180.16 g/mol) is 18.016 mg/dL and
/// 1 mmol/L of cholesterol (C27H46O, 386.65 g/mol) is 38.665 mg/dL (often rounded to 38.67).
/// Temperatures: Cel = K - 273.15; [degF] = Cel x 9/5 + 32 (UCUM's definitions).
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

    /// The conversion from `from` to `to`, or a reason it does not exist.
    public init(from: UCUMUnit, to: UCUMUnit, molarMass: Double? = nil) throws(UCUMError) {
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
            throw UCUMError(unit: from.text, problem: "differs from \(to.text) in its annotation (\(describe(from)) vs \(describe(to))), "
                + "which marks a different quantity (e.g. eGFR normalised to 1.73 m2 body surface); not merged")
        }
        guard from.arbitrary == to.arbitrary else {
            throw UCUMError(unit: from.text, problem: "arbitrary units (\((from.arbitrary + to.arbitrary).joined(separator: ", "))) convert only to themselves")
        }
        let ratio = from.factor / to.factor
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
            throw UCUMError(unit: from.text, problem: "is a \(from.dimension) and \(to.text) a \(to.dimension); the study must give the analyte's molar_mass (g/mol) to convert")
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
