/// How the values of one feature (or of an observation label) are brought to its canonical
/// unit: the decisions, in order, for a record's unit text.
///
/// 1. A text the feature's LOINC codes accept as a mislabel of their fixed unit (eGFR 33914-3 in
///    "mL/min") is that unit, counted as accepted.
/// 2. A text that is not UCUM but is in the synonym table ("mmHg", "lbs", "kg/m^2") is read as
///    its UCUM form.
/// 3. A conversion the study names for the text (`convert:`, e.g. HbA1c mmol/mol to %) applies.
/// 4. Otherwise the units decide (`UnitConversion`), with the feature's molar mass and valence;
///    what they cannot convert is refused.
struct SlotUnits: Sendable {
    /// How a unit text came to its conversion, for the report.
    enum Route: Sendable {
        case asWritten
        case synonym
        case acceptedMislabel
        case named
    }

    let canonical: UCUMUnit
    let molarMass: Double?
    let valence: Int?
    let named: [String: ClinicalConversion]
    let acceptedMislabels: Set<String>

    /// For a quantity feature; nil for one without a unit.
    init?(feature: FeatureDefinition) {
        guard let unit = feature.unit, let canonical = try? UCUMUnit(parsing: unit) else { return nil }
        self.init(
            canonical: canonical, codes: feature.codes, molarMass: feature.molarMass, valence: feature.valence,
            named: feature.conversions)
    }

    init(canonical: UCUMUnit, codes: [ClinicalCode], molarMass: Double?, valence: Int?, named: [String: ClinicalConversion]) {
        self.canonical = canonical
        self.molarMass = molarMass
        self.valence = valence
        var byText = [String: ClinicalConversion]()
        for (text, conversion) in named {
            byText[text] = conversion
            byText[UnitTables.ucum(text)] = conversion
        }
        self.named = byText
        // Only when every code the feature reads has this unit by definition: a mislabel is then
        // certain to be one, whichever of the codes the record came under.
        let fixed = codes.map { UnitTables.fixedUnits[$0] }
        if !codes.isEmpty, fixed.allSatisfy({ $0?.unit == canonical.text }) {
            acceptedMislabels = Set(fixed.compactMap { $0 }.flatMap(\.accepts))
        } else {
            acceptedMislabels = []
        }
    }

    func resolve(_ text: String) -> (Result<UnitConversion, UCUMError>, Route) {
        if acceptedMislabels.contains(text) {
            return (.success(UnitConversion.identity(canonical)), .acceptedMislabel)
        }
        let ucum = UnitTables.ucum(text)
        let route: Route = ucum == text ? .asWritten : .synonym
        do {
            let from = try UCUMUnit(parsing: ucum)
            if let conversion = named[text] ?? named[ucum] {
                return (.success(UnitConversion(from: from, to: canonical, clinical: conversion)), .named)
            }
            return (.success(try UnitConversion(from: from, to: canonical, molarMass: molarMass, valence: valence)), route)
        } catch {
            return (.failure(error), route)
        }
    }
}

extension UnitConversion {
    /// A value already in `unit`.
    static func identity(_ unit: UCUMUnit) -> UnitConversion {
        // Same text on both sides: the units' identity, which cannot fail.
        try! UnitConversion(from: unit, to: unit)
    }
}
