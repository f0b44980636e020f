import ClinicalData
import Foundation

/// The console summary of a quality report: what a data steward reads first.
enum CohortSummaryPrinter {
    static func print(_ report: QualityReport, site: String? = nil) {
        func line(_ text: String) { Swift.print(text) }
        let mb = Double(report.files.bytes) / 1e6
        line("study \(report.study.id) (sha256 \(report.study.sha256.prefix(12))), \(report.source.kind)\(site.map { ", site \($0)" } ?? "")")
        line(String(format: "  read %d files (%.1f MB), %d unreadable, in %.2f s", report.files.read, mb, report.files.failed, report.seconds))
        line("  patients: \(report.patients.read) read, \(report.patients.kept) kept")
        for exclusion in report.patients.excluded {
            line("    excluded \(exclusion.count): \(exclusion.reason)")
        }
        let prevalence = report.label.prevalence.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
        line("  label \(report.label.name): \(report.label.positive) positive, \(report.label.negative) negative (\(prevalence))")
        let width = max(12, (report.features.map(\.name.count).max() ?? 0) + 2)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        line("  " + pad("feature", width) + pad("unit", 18) + pad("missing", 16) + pad("out of range", 14) + "median")
        for feature in report.features {
            let missing = String(format: "%d (%.0f%%)", feature.missing, feature.missingFraction * 100)
            let median =
                feature.median.map { String(format: "%.4g", $0) }
                ?? feature.categories.map { $0.map { "\($0.unit) \($0.count)" }.joined(separator: ", ") } ?? ""
            line("  " + pad(feature.name, width) + pad(feature.unit ?? "", 18) + pad(missing, 16) + pad(String(feature.outOfRange), 14) + median)
        }
        for warning in report.warnings { line("  warning: \(warning)") }
        for code in report.relatedCodes.prefix(10) {
            line("  related, not in \(code.condition): \(code.code) \(code.display.map { "(\($0)) " } ?? "")x\(code.records): \(code.relation)")
        }
        if report.relatedCodes.count > 10 { line("  ... \(report.relatedCodes.count - 10) more related codes in the JSON report") }
        for conversion in report.conversionLines { line("  converted \(conversion)") }
        for column in report.unusedColumns { line("  column \(column.column) (\(column.code)) is not used by the study") }
        if report.errorCount > 0 {
            line("  \(report.errorCount) records skipped: " + report.errorsByKind.map { "\($0.count) \($0.unit)" }.joined(separator: ", "))
            for error in report.errors.prefix(5) { line("    \(error.line)") }
            if report.errorCount > 5 { line("    ... (all listed in the JSON report)") }
        } else {
            line("  no records skipped")
        }
    }
}
