import Federation

/// validation.html: the report for people, one self-contained file (inline CSS and SVG, no
/// script, nothing fetched) that prints cleanly. It holds no timestamp or path, so the same
/// inputs give the same bytes.
public enum ValidationHTML {
    public static func render(_ report: ValidationReport) -> String {
        var html: [String] = []
        html.append(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Clinical validation: \(ReportText.escape(report.card.studyID))</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>Clinical validation report: \(ReportText.escape(report.card.studyID))</h1>
            <p class="lead">Does the model deserve trust, at every site and for every patient group? Every site scored the \
            final model on its own test patients and returned only score histograms; every figure below is computed from \
            those sums. Intervals are 95 %.</p>
            """)
        if !report.statements.isEmpty {
            html.append("<div class=\"statements\"><h2>Read first</h2><ul>")
            html += report.statements.map { "<li>\(ReportText.escape($0))</li>" }
            html.append("</ul></div>")
        }
        html.append(modelCard(report.card))
        html.append(summary(report))
        html.append("<h2>Discrimination</h2><div class=\"figures\">")
        html.append(ValidationFigures.forestPlot(forestRows(report)))
        html.append(ValidationFigures.rocCurves(sites: report.sites, pooled: report.pooled))
        html.append("</div>")
        html.append(
            "<h2>Calibration</h2><p>Observed event rate against mean predicted risk in tenths of predicted risk, with "
                + "Wilson intervals; a tenth with fewer than \(report.settings.minimumGroupSize) patients is left out. The dashed "
                + "diagonal is perfect calibration.</p><div class=\"figures\">")
        html.append(ValidationFigures.calibration(report.pooled, color: SVGChart.pooledColor))
        for (index, site) in report.sites.enumerated() {
            html.append(ValidationFigures.calibration(site, color: ValidationFigures.color(ofSite: index)))
        }
        html.append("</div>")
        html.append(
            "<h2>Clinical usefulness: decision curves</h2><p>Net benefit (Vickers and Elkin 2006) of treating the "
                + "patients the model scores at or above each threshold probability, against treating everyone and no one.</p><div class=\"figures\">")
        html.append(ValidationFigures.decisionCurve(report.pooled, color: SVGChart.pooledColor))
        for (index, site) in report.sites.enumerated() {
            html.append(ValidationFigures.decisionCurve(site, color: ValidationFigures.color(ofSite: index)))
        }
        html.append("</div>")
        html.append(operatingPoints(report))
        html.append(groups(report))
        html.append(gaps(report))
        html.append(heldOut(report))
        html.append(tripod(report.tripod))
        html.append(methods(report.settings))
        html.append("</body>\n</html>\n")
        return html.joined(separator: "\n")
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1180px;color:#222;line-height:1.4;padding:0 1em}
        h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}h3{font-size:1.05em}
        table{border-collapse:collapse;margin:.6em 0;font-size:.85em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
        th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .na{color:#777;font-style:italic}td.num .na{white-space:normal;display:block;font-size:.8em;max-width:16em;margin-left:auto}
        td.group{white-space:nowrap}.small{color:#8a5a00}.lead{color:#444}
        .statements{background:#fff7e0;border:1px solid #e0c060;padding:.2em 1em;margin:1em 0}
        .figures{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
        svg{font-family:system-ui,sans-serif}.chart-title{font-size:13px;font-weight:600}.tick{font-size:10px;fill:#555}
        .axis{font-size:11px;fill:#333}.legend{font-size:11px;fill:#222}.forest-heading{font-size:11px;font-weight:700;fill:#222}
        .covered{color:#1b6e1b}.partly{color:#8a5a00}.supply{color:#a11}
        @media print{body{margin:0;max-width:none}h2{page-break-after:avoid}svg{page-break-inside:avoid}}
        """

    static func modelCard(_ card: ModelCard) -> String {
        var rows: [(String, String)] = [
            ("Intended use", card.intendedUse.map(ReportText.escape) ?? ReportText.note("not stated: add intended_use to the study definition")),
            ("Study", ReportText.escape("\(card.studyID) (\(card.runtime))")),
            ("Data", ReportText.escape(card.dataDescription)),
            ("Model", ReportText.escape("\(card.model), \(card.parameterCount) parameters, checksum \(card.modelChecksum)")),
            (
                "Training",
                ReportText.escape(
                    "\(card.strategy) (\(card.aggregationRule)), \(card.rounds) rounds x \(card.localSteps) local steps of batch \(card.batchSize), learning rate \(card.learningRate), seed \(card.seed)"
                )
            ),
            ("Harmonization (schema hash)", "<code>\(ReportText.escape(card.schemaHash))</code>"),
            ("Training plan hash", card.trainingPlanHash.map { "<code>\(ReportText.escape($0))</code>" } ?? ReportText.note("none (a baseline has no plan)")),
            ("Privacy", privacy(card.privacy)),
            ("Secure aggregation", card.secureAggregation ? "yes (SecAgg+: the coordinator learned only sums of updates)" : "no"),
            ("Code version", ReportText.escape("Cohort \(card.codeVersion)"))
        ]
        rows.append(
            (
                "Sites",
                card.dataSources.map { source in
                    let train = source.trainingRows.map { "\($0) training rows, " } ?? ""
                    return ReportText.escape("\(source.site): \(train)\(source.testRows) test patients, \(source.testEvents) with the outcome")
                }.joined(separator: "<br>")
            ))
        return "<h2>Model card</h2><table>" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</table>"
    }

    static func privacy(_ privacy: ModelCard.Privacy) -> String {
        var parts = [ReportText.escape(privacy.mechanism)]
        if let delta = privacy.delta { parts.append(ReportText.escape("delta \(delta)")) }
        if !privacy.siteEpsilon.isEmpty {
            parts.append(
                ReportText.escape(
                    "epsilon spent: "
                        + privacy.siteEpsilon.sorted { $0.key < $1.key }
                        .map { "\($0.key) \(ReportText.number($0.value))" }.joined(separator: ", ")))
        }
        if let central = privacy.centralEpsilon { parts.append(ReportText.escape("central epsilon \(ReportText.number(central))")) }
        if let noise = privacy.noise { parts.append(ReportText.escape("noise: \(noise)")) }
        return parts.joined(separator: "; ")
    }

    /// Internal validation per site and pooled, with leave-one-site-out beside it.
    static func summary(_ report: ValidationReport) -> String {
        let heldOut = (try? report.leaveOneSiteOut.get()) ?? []
        var html = [
            "<h2>Performance per site and pooled</h2>",
            "<p>Internal validation: the final model on each site's own test split. Leave-one-site-out: a model "
                + "trained on the other sites only, scored on the site left out (external validation).</p>",
            "<table><tr><th>site</th><th>patients</th><th>events</th><th>AUROC (DeLong)</th><th>calibration slope</th>"
                + "<th>calibration intercept</th><th>calibration-in-the-large</th><th>O/E</th><th>AUROC, left out</th></tr>"
        ]
        for scope in report.sites + [report.pooled] {
            let metrics = scope.overall
            let held = heldOut.first { $0.site == scope.name }
            let heldText: String
            if scope.name == ValidationReport.pooledName {
                heldText = ""
            } else if let held {
                switch held.metrics {
                case .success(let heldMetrics): heldText = ReportText.auroc(heldMetrics)
                case .failure(let reason): heldText = ReportText.note(reason.reason)
                }
            } else {
                heldText = ReportText.note("not run")
            }
            html.append(
                "<tr><th>\(ReportText.escape(scope.name))</th><td class=\"num\">\(metrics.size)</td><td class=\"num\">\(metrics.positives)</td>"
                    + "<td class=\"num\" data-field=\"auroc\">\(ReportText.auroc(metrics))</td>"
                    + "<td class=\"num\">\(ReportText.interval(metrics.calibrationSlope))</td>"
                    + "<td class=\"num\">\(ReportText.interval(metrics.calibrationIntercept))</td>"
                    + "<td class=\"num\">\(ReportText.interval(metrics.calibrationInTheLarge))</td>"
                    + "<td class=\"num\">\(ReportText.value(metrics.observedExpectedRatio))</td><td class=\"num\">\(heldText)</td></tr>")
        }
        html.append("</table>")
        return html.joined(separator: "\n")
    }

    static func forestRows(_ report: ValidationReport) -> [ValidationFigures.ForestRow] {
        typealias Row = ValidationFigures.ForestRow
        var rows = [Row.heading("Internal validation")]
        for (index, site) in report.sites.enumerated() {
            rows.append(Row(label: site.name, metrics: site.overall, color: ValidationFigures.color(ofSite: index)))
        }
        rows.append(Row(label: "pooled", metrics: report.pooled.overall, color: SVGChart.pooledColor))
        if case .success(let heldOut) = report.leaveOneSiteOut, !heldOut.isEmpty {
            rows.append(Row.heading("Leave one site out"))
            for held in heldOut {
                let color = ValidationFigures.color(ofSite: report.sites.firstIndex { $0.name == held.site } ?? 0)
                switch held.metrics {
                case .success(let metrics): rows.append(Row(label: held.site, metrics: metrics, color: color))
                case .failure(let reason): rows.append(Row(label: held.site, auroc: .failure(reason), color: color))
                }
            }
        }
        for scope in [report.pooled] + report.sites where !scope.groups.isEmpty {
            rows.append(Row.heading("Patient groups, \(scope.name)"))
            for entry in scope.groups {
                let label = "\(ValidationReport.noun(entry.group.attribute)) \(entry.group.value)"
                switch entry.outcome {
                case .reported(let metrics): rows.append(Row(label: label, metrics: metrics, color: "#444"))
                case .tooSmall: rows.append(Row(label: label, auroc: .failure(NotEstimable(tooSmallText(report))), color: "#444"))
                }
            }
        }
        return rows
    }

    static func tooSmallText(_ report: ValidationReport) -> String {
        "too small (< \(report.settings.minimumGroupSize) patients)"
    }

    static func operatingPoints(_ report: ValidationReport) -> String {
        var html = [
            "<h2>Operating points</h2><p>Patients scored at or above the threshold count as positive; Wilson intervals.</p>",
            "<table><tr><th>site</th><th>threshold</th><th>sensitivity</th><th>specificity</th><th>PPV</th><th>NPV</th></tr>"
        ]
        for scope in report.sites + [report.pooled] {
            for point in scope.overall.operatingPoints {
                html.append(
                    "<tr><th>\(ReportText.escape(scope.name))</th><td class=\"num\">\(ReportText.number(point.threshold))</td>"
                        + "<td class=\"num\">\(ReportText.interval(point.sensitivity))</td><td class=\"num\">\(ReportText.interval(point.specificity))</td>"
                        + "<td class=\"num\">\(ReportText.interval(point.positivePredictiveValue))</td><td class=\"num\">\(ReportText.interval(point.negativePredictiveValue))</td></tr>"
                )
            }
        }
        html.append("</table>")
        return html.joined(separator: "\n")
    }

    static func groups(_ report: ValidationReport) -> String {
        guard !report.attributes.isEmpty else {
            return "<h2>Patient groups</h2><p>\(ReportText.note("No patient attribute to group by is recorded in this data."))</p>"
        }
        let first = report.settings.thresholds.first!
        var html = [
            "<h2>Patient groups</h2><p>Groups with fewer than \(report.settings.minimumGroupSize) patients are "
                + "reported as too small, without any number; a size shown as withheld would reveal a small group by "
                + "subtraction. Sensitivity at threshold \(ReportText.number(first)).</p>",
            "<table><tr><th>scope</th><th>group</th><th>patients</th><th>AUROC</th><th>sensitivity</th>"
                + "<th>calibration slope</th><th>calibration intercept</th><th>calibration-in-the-large</th></tr>"
        ]
        for scope in [report.pooled] + report.sites {
            for entry in scope.groups {
                let label = "\(ValidationReport.noun(entry.group.attribute)) \(entry.group.value)"
                switch entry.outcome {
                case .tooSmall:
                    html.append(
                        "<tr><th>\(ReportText.escape(scope.name))</th><td class=\"group\">\(ReportText.escape(label))</td>"
                            + "<td colspan=\"6\" class=\"small\">\(ReportText.escape(tooSmallText(report)))</td></tr>")
                case .reported(let metrics):
                    let size = entry.shownSize.map(String.init) ?? ReportText.note("withheld")
                    let sensitivity = metrics.operatingPoint(at: first).map { ReportText.interval($0.sensitivity) } ?? ""
                    html.append(
                        "<tr><th>\(ReportText.escape(scope.name))</th><td class=\"group\">\(ReportText.escape(label))</td><td class=\"num\">\(size)</td>"
                            + "<td class=\"num\">\(ReportText.auroc(metrics))</td><td class=\"num\">\(sensitivity)</td>"
                            + "<td class=\"num\">\(ReportText.interval(metrics.calibrationSlope))</td><td class=\"num\">\(ReportText.interval(metrics.calibrationIntercept))</td>"
                            + "<td class=\"num\">\(ReportText.interval(metrics.calibrationInTheLarge))</td></tr>")
                }
            }
            for attribute in scope.unrecorded {
                html.append(
                    "<tr><th>\(ReportText.escape(scope.name))</th><td>\(ReportText.escape(ValidationReport.noun(attribute)))</td>"
                        + "<td colspan=\"6\">\(ReportText.note("not recorded at this site"))</td></tr>")
            }
        }
        html.append("</table>")
        return html.joined(separator: "\n")
    }

    static func gaps(_ report: ValidationReport) -> String {
        let all = ([report.pooled] + report.sites).flatMap { scope in scope.gaps.map { (scope.name, $0) } }
        guard !all.isEmpty else { return "" }
        var html = [
            "<h2>Gaps between patient groups</h2><p>Each group minus its attribute's reference group (the largest "
                + "pooled group). True-positive-rate difference (equal opportunity): Newcombe's hybrid score interval; "
                + "calibration-in-the-large and AUROC differences: independent groups, normal intervals.</p>",
            "<table><tr><th>scope</th><th>group</th><th>reference</th><th>TPR difference</th>"
                + "<th>calibration-in-the-large difference</th><th>AUROC difference</th></tr>"
        ]
        for (scope, gap) in all {
            let tpr = gap.truePositiveRateDifference.map { "at \(ReportText.number($0.threshold)): \(ReportText.interval($0.difference))" }
                .joined(separator: "<br>")
            html.append(
                "<tr><th>\(ReportText.escape(scope))</th><td>\(ReportText.escape("\(ValidationReport.noun(gap.attribute)) \(gap.group)"))</td>"
                    + "<td>\(ReportText.escape(gap.reference))</td><td class=\"num\">\(tpr)</td>"
                    + "<td class=\"num\">\(ReportText.interval(gap.calibrationInTheLargeDifference))</td><td class=\"num\">\(ReportText.interval(gap.aurocDifference))</td></tr>"
            )
        }
        html.append("</table>")
        return html.joined(separator: "\n")
    }

    static func heldOut(_ report: ValidationReport) -> String {
        var html = ["<h2>Leave one site out</h2>"]
        switch report.leaveOneSiteOut {
        case .failure(let reason):
            html.append("<p>\(ReportText.note("Not available: \(reason.reason)"))</p>")
        case .success(let sites):
            html.append(
                "<p>For each site, the study was run again on the other sites only (same definition and seed), and "
                    + "the resulting model scored on the site left out.</p>")
            html.append(
                "<table><tr><th>left out</th><th>trained on</th><th>AUROC</th><th>calibration slope</th>"
                    + "<th>calibration intercept</th><th>calibration-in-the-large</th><th>O/E</th></tr>")
            for site in sites {
                let trained = ReportText.escape(site.trainedOn.joined(separator: ", "))
                switch site.metrics {
                case .failure(let reason):
                    html.append("<tr><th>\(ReportText.escape(site.site))</th><td>\(trained)</td><td colspan=\"5\">\(ReportText.note(reason.reason))</td></tr>")
                case .success(let metrics):
                    html.append(
                        "<tr><th>\(ReportText.escape(site.site))</th><td>\(trained)</td><td class=\"num\">\(ReportText.auroc(metrics))</td>"
                            + "<td class=\"num\">\(ReportText.interval(metrics.calibrationSlope))</td><td class=\"num\">\(ReportText.interval(metrics.calibrationIntercept))</td>"
                            + "<td class=\"num\">\(ReportText.interval(metrics.calibrationInTheLarge))</td><td class=\"num\">\(ReportText.value(metrics.observedExpectedRatio))</td></tr>"
                    )
                }
            }
            html.append("</table>")
        }
        return html.joined(separator: "\n")
    }

    static func tripod(_ items: [TRIPODChecklist.Item]) -> String {
        var html = [
            "<h2>TRIPOD+AI</h2><p>Items of the TRIPOD+AI checklist (Collins et al., BMJ 2024;385:e078378) this report "
                + "covers, and those the authors must still supply.</p>",
            "<table><tr><th>item</th><th>topic</th><th>this report</th><th>note</th></tr>"
        ]
        for item in items {
            let coverage =
                switch item.coverage {
                case .covered: "covered"
                case .partly: "in part"
                case .supply: "to supply"
                }
            html.append(
                "<tr><td>\(item.number)</td><td>\(ReportText.escape(item.topic))</td><td class=\"\(item.coverage.rawValue)\">\(coverage)</td>"
                    + "<td>\(ReportText.escape(item.note))</td></tr>")
        }
        html.append("</table>")
        return html.joined(separator: "\n")
    }

    static func methods(_ settings: ValidationSettings) -> String {
        """
        <h2>Methods</h2>
        <ul>
        <li>Each site scores its test patients and bins the predicted probabilities on a grid of \(settings.binCount) bins \
        per class and patient group; sites return only these histograms (with per-bin sums of logits and probabilities). \
        Pooled results are computed from the summed histograms, which equal the histograms of the pooled patients.</li>
        <li>AUROC: the Mann-Whitney statistic on the binned scores (ties count one half); interval from DeLong, DeLong and \
        Clarke-Pearson (Biometrics 1988), clipped to [0, 1].</li>
        <li>Sensitivity, specificity, PPV, NPV: Wilson score intervals (Wilson 1927).</li>
        <li>Calibration slope and intercept: logistic regression of the outcome on the model's logit (Cox 1958), fitted by \
        Newton's method on the binned data (each bin and class at its patients' mean logit); calibration-in-the-large: the \
        intercept with the slope fixed at 1 (Van Calster et al. 2016). Wald intervals from the observed information.</li>
        <li>Net benefit: Vickers and Elkin (Med Decis Making 2006).</li>
        <li>Group gaps: true-positive-rate difference with Newcombe's hybrid score interval (Stat Med 1998, method 10); \
        differences in calibration-in-the-large and AUROC with normal intervals for independent groups.</li>
        <li>Small cells: a patient group with fewer than \(settings.minimumGroupSize) patients is shown as too small; its \
        size is not shown either.</li>
        </ul>
        """
    }
}
