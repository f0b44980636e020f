import Foundation

// JSON cannot spell infinity or NaN, yet Cohort's files carry them (a loss that diverged, an
// epsilon with no bound). Every file Cohort writes (run.json, checkpoints, site state, privacy
// ledgers) spells them "inf", "-inf" and "nan", defined once here so each reader accepts what
// every writer wrote.

extension JSONEncoder.NonConformingFloatEncodingStrategy {
    public static var cohortStrings: Self { .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan") }
}

extension JSONDecoder.NonConformingFloatDecodingStrategy {
    public static var cohortStrings: Self { .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan") }
}
