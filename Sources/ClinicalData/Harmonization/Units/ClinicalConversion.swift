/// A conversion between two units that the units alone do not give: a calibration between
/// measurement scales, named by the study for the unit it applies to (`convert:` on a feature).
///
/// HbA1c is reported in two scales that are not the same quantity in two units: NGSP/DCCT %
/// (the DCCT trial's reference method, used in the US) and IFCC mmol/mol (the IFCC reference
/// method, used in Europe). They are related by the master equation of the IFCC-NGSP
/// comparison, NGSP % = 0.09148 x IFCC mmol/mol + 2.152 (Hoelzel W, et al. IFCC reference
/// system for measurement of hemoglobin A1c in human blood and the national standardization
/// schemes in the United States, Japan, and Sweden: a method-comparison study. Clin Chem
/// 2004;50(1):166-174), so 48 mmol/mol is 6.54 % and 53 mmol/mol 7.00 %. Read dimensionally,
/// mmol/mol would become % by a factor of 0.1 (48 mmol/mol as 4.8 %), which is wrong: Cohort
/// refuses that conversion unless the study names this one.
public struct ClinicalConversion: Hashable, Sendable {
    public var name: String
    /// The unit it reads and the unit it gives.
    public var from: String
    public var to: String
    /// to = from x scale + offset.
    public var scale: Double
    public var offset: Double
    public var citation: String

    public static let hba1cIFCCToNGSP = ClinicalConversion(
        name: "hba1c_ifcc_to_ngsp", from: "mmol/mol", to: "%", scale: 0.09148, offset: 2.152,
        citation: "NGSP % = 0.09148 x IFCC mmol/mol + 2.152 (Hoelzel et al., Clin Chem 2004;50:166-174)")

    /// The same equation solved for IFCC: mmol/mol = (% - 2.152) / 0.09148.
    public static let hba1cNGSPToIFCC = ClinicalConversion(
        name: "hba1c_ngsp_to_ifcc", from: "%", to: "mmol/mol", scale: 1 / 0.09148, offset: -2.152 / 0.09148,
        citation: "IFCC mmol/mol = (NGSP % - 2.152) / 0.09148 (Hoelzel et al., Clin Chem 2004;50:166-174)")

    public static let all = [hba1cIFCCToNGSP, hba1cNGSPToIFCC]

    public static func named(_ name: String) -> ClinicalConversion? { all.first { $0.name == name } }

    public func convert(_ value: Double) -> Double { value * scale + offset }
}
