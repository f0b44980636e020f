/// The shareable quality report as one self-contained HTML page: inline CSS, inline SVG bar
/// charts, no scripts and no external assets, laid out to print on A4/Letter.
///
/// It is rendered from `PublishedQualityReport`, so every number on the page has already been
/// through the small-cell rule and its audit; hidden counts read "<11" (1 to 10) or "withheld"
/// (hidden to protect another count).
public struct HTMLQualityReport {
    public var report: PublishedQualityReport
    public var site: String?

    public init(_ report: PublishedQualityReport, site: String? = nil) {
        self.report = report
        self.site = site
    }

    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Data quality: \(HTML.escape(report.study.id))\(site.map { " at " + HTML.escape($0) } ?? "")</title>
            <style>
            body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2329;max-width:960px;margin:24px auto;padding:0 16px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
            .meta{color:#57606a;font-size:12px}.note{background:#f6f8fa;border-left:3px solid #8c959f;padding:6px 10px;font-size:12px}
            table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2}
            th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:120px}
            .tile b{display:block;font-size:22px}ul.warnings{background:#fff8c5;border-left:3px solid #bf8700;padding:6px 10px 6px 28px}svg text{font-size:11px;fill:#1d2329}svg .bar{fill:#4c78a8}
            svg .suppressed{fill:#bbb}
            @media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg,.tiles{break-inside:avoid}}
            </style></head><body>
            <h1>Data quality report: \(HTML.escape(report.study.title))</h1>
            <p class="meta">study <b>\(HTML.escape(report.study.id))</b> \u{00B7} study file sha256 <code>\(HTML.escape(String(report.study.sha256.prefix(16))))\u{2026}</code>
            \u{00B7} source \(HTML.escape(report.sourceKind))\(site.map { " \u{00B7} site <b>" + HTML.escape($0) + "</b>" } ?? "")
            \u{00B7} index date \(HTML.escape(report.study.indexDate)) \u{00B7} missing values: \(HTML.escape(report.study.missingValues))</p>
            <p class="note">\(HTML.escape(report.suppression)). Medians are the midpoints of the study's fixed bins. Minimum and maximum values and the list of individual records are not shown; they stay in the site's local JSON report.</p>

            """
        if !report.warnings.isEmpty {
            html += "<h2>Warnings</h2><ul class=\"warnings\">" + report.warnings.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        }
        html += "<h2>Patients</h2><div class=\"tiles\">"
        html += tile("read", report.patients.read) + tile("kept", report.patients.kept)
        html += tile(report.label.name + " +", report.label.positive) + tile(report.label.name + " \u{2212}", report.label.negative)
        html += "<div class=\"tile\">prevalence<b>\(report.label.prevalence.map { percent($0) } ?? "suppressed")</b></div></div>"
        if !report.patients.excluded.isEmpty {
            html += "<h2>Excluded patients, by first reason</h2>"
            html += SVGBarChart(bars: report.patients.excluded.map { bar($0.name, $0.count) }).render()
        }
        html += "<h2>Missing values per feature</h2>"
        html += SVGBarChart(
            bars: report.features.map { feature in
                SVGBarChart.Bar(
                    label: feature.name, value: feature.missingFraction,
                    text: (feature.missingFraction.map { percent($0) + " (\(feature.missing))" } ?? "\(feature.missing) missing")
                        + (feature.missingAboveWarningShare == true ? ": more than \(percent(report.missingWarningShare))" : ""))
            }, scale: 1
        ).render()
        html +=
            "<h2>Features</h2><table><tr><th>feature</th><th>kind</th><th>unit</th><th>present</th><th>missing</th><th>out of range</th><th>mean</th><th>median</th><th>values</th></tr>"
        for feature in report.features {
            let categories = (feature.categories ?? feature.values)?.map { "\(HTML.escape($0.name)): \($0.count)" }.joined(separator: ", ") ?? ""
            html += "<tr><td>\(HTML.escape(feature.name))</td><td>\(feature.kind)</td><td>\(HTML.escape(feature.unit ?? ""))</td>"
            html += "<td class=\"n\">\(feature.present)</td><td class=\"n\">\(feature.missing)</td><td class=\"n\">\(feature.outOfRange)</td>"
            html +=
                "<td class=\"n\">\(feature.mean.map { number($0) } ?? "")</td><td class=\"n\">\(feature.median.map { number($0) } ?? "")</td><td>\(categories)</td></tr>"
        }
        html += "</table>"
        let conversions = report.features.flatMap { feature in feature.convertedFrom.map { (feature, $0) } }
        let rejected = report.features.flatMap { feature in feature.rejectedUnits.map { (feature, $0) } }
        let mislabels = report.features.flatMap { feature in feature.acceptedMislabels.map { (feature, $0) } }
        let censored = report.features.filter { $0.censored != .exact(0) }
        html += "<h2>Unit conversions applied</h2>"
        if conversions.isEmpty && rejected.isEmpty && mislabels.isEmpty && censored.isEmpty {
            html += "<p>None: every value arrived in the study's canonical unit.</p>"
        } else {
            html += "<table><tr><th>feature</th><th>from</th><th>to</th><th>records</th><th>outcome</th></tr>"
            for (feature, count) in conversions {
                html +=
                    "<tr><td>\(HTML.escape(feature.name))</td><td>\(HTML.escape(count.name))</td><td>\(HTML.escape(feature.unit ?? ""))</td><td class=\"n\">\(count.count)</td><td>converted</td></tr>"
            }
            for (feature, count) in mislabels {
                html +=
                    "<tr><td>\(HTML.escape(feature.name))</td><td>\(HTML.escape(count.name))</td><td>\(HTML.escape(feature.unit ?? ""))</td><td class=\"n\">\(count.count)</td><td>accepted: the code's unit by definition (mislabelled)</td></tr>"
            }
            for feature in censored {
                let outcome =
                    feature.censoredPolicy == CensoredPolicy.drop.rawValue
                    ? "censored (>, <): dropped" : "censored (>, <): kept at the bound (\(feature.censoredPolicy ?? ""))"
                html +=
                    "<tr><td>\(HTML.escape(feature.name))</td><td></td><td>\(HTML.escape(feature.unit ?? ""))</td><td class=\"n\">\(feature.censored)</td><td>\(outcome)</td></tr>"
            }
            for (feature, count) in rejected {
                html +=
                    "<tr><td>\(HTML.escape(feature.name))</td><td>\(HTML.escape(count.name))</td><td>\(HTML.escape(feature.unit ?? ""))</td><td class=\"n\">\(count.count)</td><td>refused (not convertible)</td></tr>"
            }
            html += "</table>"
        }
        if !report.relatedCodes.isEmpty {
            html += "<h2>Codes that look related to a study condition but are not in it</h2>"
            html += "<p>Patients coded only with these are negative for the condition: check whether the value set should include them.</p>"
            html += "<table><tr><th>condition</th><th>code</th><th>display</th><th>why it looks related</th><th>records</th></tr>"
            for code in report.relatedCodes {
                html += "<tr><td>\(HTML.escape(code.condition))</td><td>\(HTML.escape(code.code))</td><td>\(HTML.escape(code.display ?? ""))</td>"
                html += "<td>\(HTML.escape(code.relation))</td><td class=\"n\">\(code.records)</td></tr>"
            }
            html += "</table>"
        }
        html += "<h2>Skipped records</h2>"
        if report.errorsByKind.isEmpty {
            html += "<p>None.</p>"
        } else {
            html += "<p>\(report.errorCount) records or files skipped; by kind:</p>"
            html += SVGBarChart(bars: report.errorsByKind.map { bar($0.name, $0.count) }).render()
        }
        html += "<p class=\"meta\">Files read: \(report.filesRead), unreadable: \(report.filesFailed). Generated by Cohort.</p></body></html>\n"
        return html
    }

    private func tile(_ name: String, _ count: PublishedCount) -> String {
        "<div class=\"tile\">\(HTML.escape(name))<b>\(HTML.escape(count.description))</b></div>"
    }

    private func bar(_ label: String, _ count: PublishedCount) -> SVGBarChart.Bar {
        SVGBarChart.Bar(label: label, value: count.value.map(Double.init), text: count.description)
    }

    private func percent(_ fraction: Double) -> String {
        String(Double(Int((fraction * 1000).rounded())) / 10) + "%"
    }

    private func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
