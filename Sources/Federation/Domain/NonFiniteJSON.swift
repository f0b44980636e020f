import Foundation

// JSON cannot spell infinity or NaN, yet Cohort's files carry them (a loss that diverged, an
// epsilon with no bound). Every file Cohort writes (run.json, checkpoints, site state, privacy
// ledgers) spells them "inf", "-inf" and "nan", defined once here so each reader accepts what
// every writer wrote.

/// The spellings, for writers that format numbers themselves (the audit trail's canonical JSON).
public enum NonFiniteSpelling {
    public static let positiveInfinity = "inf"
    public static let negativeInfinity = "-inf"
    public static let nan = "nan"

    public static func text(for value: Double) -> String {
        value.isNaN ? nan : (value > 0 ? positiveInfinity : negativeInfinity)
    }

    public static func value(of text: String) -> Double? {
        switch text {
        case nan: .nan
        case positiveInfinity: .infinity
        case negativeInfinity: -.infinity
        default: nil
        }
    }
}

extension JSONEncoder.NonConformingFloatEncodingStrategy {
    public static var cohortStrings: Self {
        .convertToString(
            positiveInfinity: NonFiniteSpelling.positiveInfinity, negativeInfinity: NonFiniteSpelling.negativeInfinity,
            nan: NonFiniteSpelling.nan)
    }
}

extension JSONDecoder.NonConformingFloatDecodingStrategy {
    public static var cohortStrings: Self {
        .convertFromString(
            positiveInfinity: NonFiniteSpelling.positiveInfinity, negativeInfinity: NonFiniteSpelling.negativeInfinity,
            nan: NonFiniteSpelling.nan)
    }
}
