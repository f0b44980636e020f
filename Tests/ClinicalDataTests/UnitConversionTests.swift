import Testing

@testable import ClinicalData

/// Conversions against their definitions: exact where the arithmetic is exact in binary
/// floating point, otherwise within one rounding of the defining constant.
struct UnitConversionTests {
    private func convert(_ value: Double, _ from: String, _ to: String, molarMass: Double? = nil) throws -> Double {
        try UnitConversion(from: UCUMUnit(parsing: from), to: UCUMUnit(parsing: to), molarMass: molarMass).convert(value)
    }

    @Test func glucoseMassAndSubstanceConcentration() throws {
        // 1 mmol/L glucose = 180.16 g/mol x 1 mmol/L = 180.16 mg/L = 18.016 mg/dL.
        #expect(close(try convert(1, "mmol/L", "mg/dL", molarMass: 180.16), 18.016))
        #expect(close(try convert(5.5, "mmol/L", "mg/dL", molarMass: 180.16), 99.088))
        #expect(close(try convert(100, "mg/dL", "mmol/L", molarMass: 180.16), 100 / 18.016))
        #expect(close(try convert(5.5, "mmol/L", "g/L", molarMass: 180.16), 0.99088))
    }

    @Test func cholesterolMassAndSubstanceConcentration() throws {
        // Cholesterol C27H46O, 386.65 g/mol: 1 mmol/L = 38.665 mg/dL.
        #expect(close(try convert(1, "mmol/L", "mg/dL", molarMass: 386.65), 38.665))
        #expect(close(try convert(5.2, "mmol/L", "mg/dL", molarMass: 386.65), 201.058))
        #expect(close(try convert(200, "mg/dL", "mmol/L", molarMass: 386.65), 200 / 38.665))
        #expect(close(try convert(5200, "umol/L", "mg/dL", molarMass: 386.65), 201.058))
    }

    @Test func massAndLength() throws {
        // The international avoirdupois pound is 0.45359237 kg and the inch 2.54 cm, exactly.
        #expect(close(try convert(150, "[lb_av]", "kg"), 68.0388555))
        #expect(close(try convert(1, "[lb_av]", "g"), 453.59237))
        #expect(close(try convert(16, "[oz_av]", "[lb_av]"), 1))
        #expect(try convert(70, "[in_i]", "cm") == 177.8)
        #expect(close(try convert(6, "[ft_i]", "cm"), 182.88))
        #expect(try convert(1.75, "m", "cm") == 175)
        #expect(try convert(80_000, "g", "kg") == 80)
    }

    @Test func temperatures() throws {
        #expect(try convert(212, "[degF]", "Cel") == 100)
        #expect(try convert(32, "[degF]", "Cel") == 0)
        #expect(try convert(-40, "[degF]", "Cel") == -40)
        #expect(close(try convert(98.6, "[degF]", "Cel"), 37))
        #expect(close(try convert(37, "Cel", "[degF]"), 98.6))
        #expect(try convert(0, "Cel", "K") == 273.15)
        #expect(close(try convert(310.15, "K", "Cel"), 37))
        #expect(close(try convert(212, "[degF]", "K"), 373.15))
    }

    @Test func pressureRatesAndPercent() throws {
        #expect(close(try convert(1, "mm[Hg]", "kPa"), 0.133322))
        #expect(close(try convert(120, "mm[Hg]", "Pa"), 15_998.64))
        #expect(try convert(1, "/min", "/h") == 60)
        #expect(close(try convert(6.5, "%", "1"), 0.065))
        #expect(close(try convert(1, "10*3/uL", "10*9/L"), 1))
        #expect(close(try convert(250, "mL/min", "L/h"), 15))
    }

    @Test func identicalUnitsConvertByIdentity() throws {
        let conversion = try UnitConversion(from: UCUMUnit(parsing: "mL/min/{1.73_m2}"), to: UCUMUnit(parsing: "mL/min/{1.73_m2}"))
        #expect(conversion.isIdentity)
        #expect(conversion.convert(72.82881062364004) == 72.82881062364004)
    }

    @Test func egfrPerBodySurfaceIsNotMergedWithRawClearance() throws {
        // UCUM treats {1.73_m2} as 1, so a naive converter would equate these; Cohort refuses.
        #expect(throws: UCUMError.self) { try convert(72.8, "mL/min", "mL/min/{1.73_m2}") }
        #expect(throws: UCUMError.self) { try convert(72.8, "mL/min/{1.73_m2}", "mL/min") }
        #expect(UCUMUnit.problem(with: "mL/min") == nil)
        do {
            _ = try convert(72.8, "mL/min", "mL/min/{1.73_m2}")
        } catch let error as UCUMError {
            #expect(error.problem.contains("annotation"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func refusedConversions() throws {
        // Substance to mass concentration needs a molar mass.
        #expect(throws: UCUMError.self) { try convert(5, "mmol/L", "mg/dL") }
        #expect(throws: UCUMError.self) { try convert(5, "kg", "cm") }
        #expect(throws: UCUMError.self) { try convert(5, "[IU]/L", "mg/dL") }
        for bad in ["furlong/fortnight", "mg/dl/", "kg.(m", "{score", "Cel/min", ""] {
            #expect(UCUMUnit.problem(with: bad) != nil, "\(bad)")
        }
        for good in ["mg/dL", "mmol/L", "kg/m2", "mm[Hg]", "10*3/uL", "mL/min/{1.73_m2}", "{score}", "%", "/min", "1", "a", "[lb_av]", "ug/(kg.min)"] {
            #expect(UCUMUnit.problem(with: good) == nil, "\(good)")
        }
    }
}
