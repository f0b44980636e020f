/// The report's figures, each an inline SVG drawn from the report's numbers: ROC curves,
/// calibration (reliability) plots, decision curves and the forest plot of AUROC.
enum ValidationFigures {
    static func color(ofSite index: Int) -> String { SVGChart.palette[index % SVGChart.palette.count] }

    /// Every site's ROC curve and the pooled one, with the chance diagonal.
    static func rocCurves(sites: [ValidationReport.Scope], pooled: ValidationReport.Scope) -> String {
        var chart = SVGChart(
            title: "ROC curves", xLabel: "1 - specificity (false-positive rate)", yLabel: "sensitivity",
            xDomain: 0...1, yDomain: 0...1)
        chart.legendCorner = .bottomRight
        chart.line([(0, 0), (1, 1)], color: "#999", dashed: true, width: 1)
        for (index, site) in sites.enumerated() where !site.overall.rocCurve.isEmpty {
            chart.line(site.overall.rocCurve.map { ($0.falsePositiveRate, $0.truePositiveRate) }, color: color(ofSite: index), label: site.name)
        }
        chart.line(
            pooled.overall.rocCurve.map { ($0.falsePositiveRate, $0.truePositiveRate) }, color: SVGChart.pooledColor,
            label: "pooled", width: 2.4)
        return chart.render()
    }

    /// Observed event rate against mean predicted risk per tenth of risk, with Wilson bars.
    static func calibration(_ scope: ValidationReport.Scope, color: String) -> String {
        var chart = SVGChart(
            title: "Calibration: \(scope.name)", xLabel: "mean predicted risk", yLabel: "observed event rate",
            xDomain: 0...1, yDomain: 0...1)
        chart.width = 330
        chart.height = 300
        chart.line([(0, 0), (1, 1)], color: "#999", dashed: true, width: 1)
        let shown = scope.overall.reliability.groups.filter { !$0.tooSmall }
        if shown.isEmpty { chart.message("no tenth of risk holds 11 patients or more") }
        for group in shown {
            chart.verticalBar(at: group.meanPredicted, from: group.observed.ciLow, to: group.observed.ciHigh, color: color)
            chart.point(group.meanPredicted, group.observed.estimate, color: color)
        }
        chart.line(shown.map { ($0.meanPredicted, $0.observed.estimate) }, color: color, width: 1)
        return chart.render()
    }

    /// Net benefit of the model, of treating everyone and of treating no one.
    static func decisionCurve(_ scope: ValidationReport.Scope, color: String) -> String {
        let points = scope.overall.decisionCurve.points
        let prevalence = scope.overall.meanObserved ?? 0
        let top = max(0.1, ((max(prevalence, points.map(\.netBenefit).max() ?? 0) + 0.05) * 10).rounded(.up) / 10)
        var chart = SVGChart(
            title: "Decision curve: \(scope.name)", xLabel: "threshold probability", yLabel: "net benefit",
            xDomain: 0...1, yDomain: -0.1...top)
        chart.legendCorner = .topRight
        chart.width = 330
        chart.height = 300
        chart.line(points.map { ($0.threshold, $0.treatNone) }, color: "#999", label: "treat none", width: 1)
        chart.line(points.map { ($0.threshold, $0.treatAll) }, color: "#555", label: "treat all", dashed: true, width: 1.2)
        chart.line(points.map { ($0.threshold, $0.netBenefit) }, color: color, label: "model", width: 2)
        return chart.render(yStep: 0.1)
    }

    /// One row of the forest plot.
    struct ForestRow {
        var label: String
        var auroc: Result<Interval, NotEstimable>
        /// The estimate where the interval is not estimable (drawn as a point alone).
        var estimate: Double? = nil
        var color: String
        /// A heading row (no estimate) that separates the plot's sections.
        var heading = false

        init(label: String, auroc: Result<Interval, NotEstimable>, color: String) {
            self.label = label
            self.auroc = auroc
            self.color = color
        }

        init(label: String, metrics: GroupMetrics, color: String) {
            self.init(label: label, auroc: metrics.auroc, color: color)
            estimate = metrics.aurocEstimate
        }

        static func heading(_ label: String) -> ForestRow {
            var row = ForestRow(label: label, auroc: .failure(NotEstimable(label)), color: "")
            row.heading = true
            return row
        }
    }

    /// AUROC with its interval for every row, against a line at 0.5 (chance).
    static func forestPlot(_ rows: [ForestRow]) -> String {
        let rowHeight = 18.0, labelWidth = 190.0, plotWidth = 300.0, valueWidth = 190.0, top = 30.0
        let width = labelWidth + plotWidth + valueWidth
        let height = top + Double(rows.count) * rowHeight + 34
        let x = { (value: Double) in labelWidth + min(max(value, 0), 1) * plotWidth }
        let c = SVGChart.coordinate
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"Forest plot of AUROC\">"
        ]
        svg.append("<text x=\"\(c(width / 2))\" y=\"16\" text-anchor=\"middle\" class=\"chart-title\">AUROC with 95 % interval</text>")
        let bottom = top + Double(rows.count) * rowHeight
        for tick in SVGChart.ticks(0...1, step: 0.1) {
            svg.append(
                "<line x1=\"\(c(x(tick)))\" y1=\"\(c(top - 4))\" x2=\"\(c(x(tick)))\" y2=\"\(c(bottom))\" stroke=\"\(tick == 0.5 ? "#999" : "#eee")\"\(tick == 0.5 ? " stroke-dasharray=\"4 3\"" : "")/>"
            )
            svg.append("<text x=\"\(c(x(tick)))\" y=\"\(c(bottom + 14))\" text-anchor=\"middle\" class=\"tick\">\(ReportText.number(tick, digits: 1))</text>")
        }
        svg.append("<text x=\"\(c(labelWidth + plotWidth / 2))\" y=\"\(c(bottom + 30))\" text-anchor=\"middle\" class=\"axis\">AUROC (0.5: chance)</text>")
        for (index, row) in rows.enumerated() {
            let cy = top + Double(index) * rowHeight + rowHeight / 2
            if row.heading {
                svg.append("<text x=\"4\" y=\"\(c(cy))\" dominant-baseline=\"middle\" class=\"forest-heading\">\(ReportText.escape(row.label))</text>")
                continue
            }
            svg.append("<text x=\"14\" y=\"\(c(cy))\" dominant-baseline=\"middle\" class=\"legend\">\(ReportText.escape(row.label))</text>")
            switch row.auroc {
            case .success(let value):
                svg.append(
                    "<line x1=\"\(c(x(value.ciLow)))\" y1=\"\(c(cy))\" x2=\"\(c(x(value.ciHigh)))\" y2=\"\(c(cy))\" stroke=\"\(row.color)\" stroke-width=\"1.5\"/>"
                )
                svg.append("<rect x=\"\(c(x(value.estimate) - 4))\" y=\"\(c(cy - 4))\" width=\"8\" height=\"8\" fill=\"\(row.color)\"/>")
                svg.append(
                    "<text x=\"\(c(labelWidth + plotWidth + 8))\" y=\"\(c(cy))\" dominant-baseline=\"middle\" class=\"legend\">\(ReportText.escape(ReportText.interval(value, digits: 2)))</text>"
                )
            case .failure(let reason):
                var text = Self.short(reason.reason)
                if let estimate = row.estimate {
                    svg.append("<rect x=\"\(c(x(estimate) - 4))\" y=\"\(c(cy - 4))\" width=\"8\" height=\"8\" fill=\"none\" stroke=\"\(row.color)\"/>")
                    text = "\(ReportText.number(estimate, digits: 2)), \(text)"
                }
                svg.append(
                    "<text x=\"\(c(labelWidth + plotWidth + 8))\" y=\"\(c(cy))\" dominant-baseline=\"middle\" class=\"legend na\">\(ReportText.escape(text))</text>"
                )
            }
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// The first clause of a reason, for a figure's narrow column.
    static func short(_ reason: String) -> String {
        String(reason.split(separator: ":").first ?? Substring(reason))
    }
}
