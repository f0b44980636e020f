import Foundation

@testable import ClinicalData

/// How the tests read a published report: the figures an observer sees, the printed text of
/// every count and the true counts behind them (by the same cell names). The reading is the
/// observer's: it goes through the report's JSON, as a recipient would.
func publishedFigures(_ report: QualityReport, rule: SmallCellRule = SmallCellRule()) -> PublishedFigures {
    let published = roundTripped(PublishedQualityReport(report, rule: rule))
    func shown(_ count: PublishedCount) -> PublishedFigures.Shown {
        switch count {
        case .exact(let value): .exact(value)
        case .small: .small
        case .withheld: .withheld
        }
    }
    let dropsIncomplete = published.study.missingValues == "drop_row"
    return PublishedFigures(
        dropsIncomplete: dropsIncomplete,
        read: shown(published.patients.read), kept: shown(published.patients.kept),
        exclusions: published.patients.excluded.map { ($0.name, $0.name.hasSuffix("(complete-case study)"), shown($0.count)) },
        positive: shown(published.label.positive), negative: shown(published.label.negative), prevalence: published.label.prevalence,
        features: published.features.map { feature in
            let values = feature.values.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.name, $0.count) }) }
            return PublishedFigures.Feature(
                name: feature.name, present: shown(feature.present), missing: shown(feature.missing),
                categories: feature.categories?.map { shown($0.count) } ?? [],
                ones: values.map { shown($0["1"]!) }, zeros: values.map { shown($0["0"]!) },
                binaryMean: feature.values == nil ? nil : feature.mean,
                statisticOverKeptValues: feature.values == nil && (feature.mean != nil || feature.median != nil),
                missingFraction: feature.missingFraction,
                missingOverHalf: published.missingWarningShare == 0.5 ? feature.missingAboveWarningShare : nil)
        },
        errorTotal: shown(published.errorCount), errorKinds: published.errorsByKind.map { shown($0.count) })
}

/// Through JSON and back, as a recipient reads it.
func roundTripped(_ report: PublishedQualityReport) -> PublishedQualityReport {
    try! JSONDecoder.snakeCase.decode(PublishedQualityReport.self, from: JSONEncoder.snakeCase.encode(report))
}

func printedCounts(_ report: QualityReport) -> [(String, String)] {
    let published = PublishedQualityReport(report)
    var cells = [
        ("read", published.patients.read.description), ("kept", published.patients.kept.description),
        ("label +", published.label.positive.description), ("label -", published.label.negative.description)
    ]
    cells += published.patients.excluded.map { ("excluded \($0.name)", $0.count.description) }
    for feature in published.features {
        cells += [("\(feature.name) present", feature.present.description), ("\(feature.name) missing", feature.missing.description)]
    }
    return cells
}

func trueCounts(_ report: QualityReport) -> [String: Int] {
    var cells = ["read": report.patients.read, "kept": report.patients.kept, "label +": report.label.positive, "label -": report.label.negative]
    for exclusion in report.patients.excluded { cells["excluded \(exclusion.reason)"] = exclusion.count }
    for feature in report.features {
        cells["\(feature.name) present"] = feature.present
        cells["\(feature.name) missing"] = feature.missing
    }
    return cells
}

func publishedMedian(_ report: QualityReport, feature name: String) -> Double? {
    PublishedQualityReport(report).features.first { $0.name == name }?.median
}
