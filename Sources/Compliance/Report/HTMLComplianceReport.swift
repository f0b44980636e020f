import Foundation

/// Renders a `ComplianceReport` as one self-contained HTML page: inline CSS, no scripts, no
/// external assets, so it can be archived, emailed and printed to PDF (`@media print` keeps
/// tables whole and drops screen colours). The markup is well-formed XML (every element
/// closed, every value escaped) so tools and tests can parse it.
///
/// One site or a whole study renders the same way: the per-site parts (what left, refusals,
/// the coordinator's view) get one block per site whose trail was given.
public enum HTMLComplianceReport {
    public static func render(_ report: ComplianceReport) -> String {
        let scope = scopeText(report)
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <title>Compliance report: \(HTML.escape(report.study)) at \(HTML.escape(scope))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>Compliance report</h1>
            <p class="subtitle">Study <strong data-field="study">\(HTML.escape(report.study))</strong> at \(report.sites.count == 1 ? "site" : "\(report.sites.count) sites:") <strong data-field="site">\(HTML.escape(report.sites.map(\.name).joined(separator: ", ")))</strong>, generated \(HTML.escape(AuditTimestamp.string(report.generatedAt)))</p>
            \(summary(report))
            </header>

            """
        page += participants(report)
        page += plan(report)
        page += rounds(report)
        page += incidents(report)
        page += trails(report)
        page += quality(report)
        page += safeguards(report)
        page += """
            <footer><p>Produced by cohort compliance reporting. Figures are taken from the participants' signed audit trails, the site's privacy ledger and its data-quality summary; no patient-level value appears in any of them.</p></footer>
            </body>
            </html>

            """
        return page
    }

    private static func scopeText(_ report: ComplianceReport) -> String {
        report.sites.count == 1 ? report.sites[0].name : "\(report.sites.count) sites"
    }

    private static func summary(_ report: ComplianceReport) -> String {
        let verdict = report.allTrailsIntact ? "All audit trails verified" : "An audit trail FAILED verification"
        let epsilon = report.finalEpsilon.map { CanonicalJSON.number(round4($0)) } ?? "n/a"
        let budget = report.epsilonBudget.map { CanonicalJSON.number($0) } ?? "n/a"
        let several = report.sites.count > 1
        var html = """
            <table class="summary" id="summary"><tbody>
            <tr><th>Audit chain</th><td data-field="verdict" class="\(report.allTrailsIntact ? "ok" : "bad")">\(HTML.escape(verdict))</td></tr>

            """
        if !report.allTrailsIntact {
            let damaged = report.damagedTrails.map { "\($0.name): first damaged entry \($0.verification.damage!.entry)" }
            html += "<tr><th>Damaged trails</th><td data-field=\"damaged-trails\" class=\"bad\">\(HTML.escape(damaged.joined(separator: "; ")))</td></tr>\n"
        }
        html += """
            <tr><th>Sites reported</th>\(HTML.cell("site-count", String(report.sites.count), numeric: true))</tr>
            <tr><th>\(several ? "Updates sent (all sites)" : "Rounds with an update sent")</th>\(HTML.cell("rounds-sent", String(report.rounds.count), numeric: true))</tr>
            <tr><th>Bytes that left the \(several ? "sites" : "site")</th>\(HTML.cell("total-bytes", String(report.totalBytes), numeric: true))</tr>
            <tr><th>\(several ? "Highest epsilon spent (any site)" : "Epsilon spent") / budget</th><td class="num"><span data-field="final-epsilon">\(epsilon)</span> / <span data-field="epsilon-budget">\(budget)</span></td></tr>
            <tr><th>Refusals, rejections, failures, quarantines</th>\(HTML.cell("incident-count", String(report.incidents.count), numeric: true))</tr>

            """
        if !report.sitesWithoutTrail.isEmpty {
            html +=
                "<tr><th>Sites in the study whose trail was not given</th><td data-field=\"sites-without-trail\" class=\"warn\">\(HTML.escape(report.sitesWithoutTrail.joined(separator: ", ")))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private static func participants(_ report: ComplianceReport) -> String {
        var html =
            "<section id=\"participants\"><h2>1. Participants and their keys</h2>\n<table><thead><tr><th>Name</th><th>Role</th><th>Ed25519 public key</th><th>Certificate (SHA-256)</th></tr></thead><tbody>\n"
        for participant in report.participants {
            html +=
                "<tr data-participant=\"\(HTML.escape(participant.name))\">" + HTML.cell("name", participant.name) + HTML.cell("role", participant.role)
                + "<td data-field=\"public-key\" class=\"hash\">\(HTML.escape(participant.publicKey ?? "not recorded"))</td>"
                + "<td data-field=\"certificate\" class=\"hash\">\(HTML.escape(participant.certificateFingerprint ?? "not issued (deployment)"))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private static func plan(_ report: ComplianceReport) -> String {
        var html = "<section id=\"plan\"><h2>2. Training plan and its approval</h2>\n"
        html += "<p>Plan hash (SHA-256 of the canonical plan): <code data-field=\"plan-hash\">\(HTML.escape(report.planHash ?? "not recorded"))</code></p>\n"
        if let plan = report.plan {
            var terms = "\(plan.model) (\(plan.parameterCount) parameters), \(plan.strategy)"
            if !plan.strategyParameters.isEmpty {
                terms +=
                    " (" + plan.strategyParameters.sorted { $0.key < $1.key }.map { "\($0.key) \(CanonicalJSON.number($0.value))" }.joined(separator: ", ")
                    + ")"
            }
            terms +=
                ", aggregation \(plan.aggregation), \(plan.rounds) rounds of \(plan.localSteps) local steps, batch \(plan.batchSize), \(plan.optimizer) at learning rate \(CanonicalJSON.number(plan.learningRate))"
            terms +=
                "; DP-SGD: \(plan.privacy?.summary ?? "none"); secure aggregation: \(plan.secureAggregation ? "on" : "off"); schema \(plan.schemaHash.prefix(12))..."
            html += "<p data-field=\"plan-terms\">\(HTML.escape(terms))</p>\n"
        }
        for site in report.sites where site.approvals.isEmpty {
            let whose = report.sites.count == 1 ? "the site's data steward" : "the data steward of \(site.name)"
            html += "<p class=\"bad\" data-field=\"approval\">No approval of this plan by \(HTML.escape(whose)) was found.</p>\n"
        }
        if !report.approvals.isEmpty {
            html += "<table><thead><tr><th>Site</th><th>Approved by</th><th>When (UTC)</th><th>Note</th><th>Approvals entry</th></tr></thead><tbody>\n"
            for site in report.sites {
                for approval in site.approvals {
                    html +=
                        "<tr data-approval=\"\(approval.entry)\">" + HTML.cell("site", site.name) + HTML.cell("approved-by", approval.approvedBy)
                        + HTML.cell("approved-at", AuditTimestamp.string(approval.approvedAt)) + HTML.cell("note", approval.note ?? "")
                        + HTML.cell("entry", String(approval.entry), numeric: true) + "</tr>\n"
                }
            }
            html += "</tbody></table>\n"
        }
        if let policy = report.policy {
            var rules = ["models: \(policy.allowedModels.sorted().joined(separator: ", "))", "minimum rows per update: \(policy.minRowsPerUpdate)"]
            if let limit = policy.maxParameters { rules.append("at most \(limit) parameters") }
            if let dp = policy.differentialPrivacy {
                rules.append(
                    "DP \(dp.required ? "required" : "optional"), epsilon at most \(CanonicalJSON.number(dp.maxEpsilon)) at delta \(CanonicalJSON.number(dp.delta))"
                )
            }
            rules.append("secure aggregation \(policy.requireSecureAggregation ? "required" : "not required")")
            rules.append(policy.allowedCoordinators.isEmpty ? "coordinators not restricted" : "\(policy.allowedCoordinators.count) allowed coordinator(s)")
            let whose = report.site.map { " at \($0)" } ?? ""
            html +=
                "<p>Site policy\(HTML.escape(whose)) of steward \(HTML.escape(policy.steward)) (hash <code>\(policy.policyHash.prefix(12))...</code>): \(HTML.escape(rules.joined(separator: "; "))).</p>\n"
        }
        return html + "</section>\n"
    }

    private static func rounds(_ report: ComplianceReport) -> String {
        var html = "<section id=\"rounds\"><h2>3. What left \(report.sites.count == 1 ? "the site" : "each site"), round by round</h2>\n"
        html +=
            "<p>One row per update sent (under secure aggregation, a sealed answer: it left masked, through the secure sum). Bytes are the model values transmitted (4 per parameter); the hash identifies the exact payload. Epsilon is the site's cumulative privacy loss after the round"
        if let delta = report.budgetDelta { html += " at delta \(CanonicalJSON.number(delta))" }
        if let budget = report.epsilonBudget {
            html += ", against \(HTML.escape(report.site.map { "\($0)'s" } ?? "the")) budget of \(CanonicalJSON.number(budget))"
        }
        html += ". The last column is the coordinator's record of the round's answer.</p>\n"
        for site in report.sites {
            let budget = (site.name == report.site ? report.epsilonBudget : nil).map { CanonicalJSON.number($0) } ?? "n/a"
            if report.sites.count > 1 { html += "<h3>\(HTML.escape(site.name))</h3>\n" }
            html +=
                "<p>Asked for <span data-field=\"rounds-asked\">\(site.roundsAsked.count)</span> round(s); sent \(site.updates.count) update(s); refused \(site.refusals.count)"
            if !site.evaluations.isEmpty {
                let evaluations = site.evaluations.map { "round \($0.round) on \($0.rows) test rows" }.joined(separator: ", ")
                html +=
                    "; sent <span data-field=\"evaluations-sent\">\(site.evaluations.count)</span> evaluation(s), aggregate metrics only (\(HTML.escape(evaluations)))"
            }
            html += ".</p>\n"
            html +=
                "<table><thead><tr><th>Site</th><th>Round</th><th>Sent (UTC)</th><th>Rows</th><th>Bytes</th><th>Payload SHA-256</th><th>Secure agg.</th><th>DP-SGD (noise, rate, steps)</th><th>Epsilon after</th><th>Budget</th><th>Coordinator</th></tr></thead><tbody>\n"
            for row in site.updates {
                let dp =
                    row.privacy.map { "\(CanonicalJSON.number(round4($0.noiseMultiplier))), \(CanonicalJSON.number(round4($0.samplingRate))), \($0.steps)" }
                    ?? "none"
                html +=
                    "<tr data-round=\"\(row.round)\">" + HTML.cell("site", row.site) + HTML.cell("round", String(row.round), numeric: true)
                    + HTML.cell("time", row.time)
                    + HTML.cell("rows", String(row.rows), numeric: true) + HTML.cell("bytes", String(row.bytes), numeric: true)
                    + "<td data-field=\"payload\" class=\"hash\">\(row.payloadSHA256.prefix(16))...</td>"
                    + HTML.cell("secure-aggregation", row.secureAggregation ? "on (sealed)" : "off") + HTML.cell("dp", dp)
                    + HTML.cell("epsilon", row.epsilon.map { CanonicalJSON.number(round4($0)) } ?? "n/a", numeric: true)
                    + HTML.cell("budget", budget, numeric: true)
                    + HTML.cell("coordinator", row.coordinatorVerdict?.rawValue ?? "no record") + "</tr>\n"
            }
            if site.updates.isEmpty { html += "<tr><td colspan=\"11\">No update left \(HTML.escape(site.name)) in this study.</td></tr>\n" }
            html +=
                "</tbody><tfoot><tr><th colspan=\"4\">Total</th>" + HTML.cell("site-bytes-total", String(site.totalBytes), numeric: true)
                + "<td colspan=\"6\"></td></tr></tfoot></table>\n"
        }
        html += "<p>All sites together: <span data-field=\"bytes-total\">\(report.totalBytes)</span> bytes.</p>\n"
        if !report.sitesWithoutTrail.isEmpty {
            html +=
                "<p class=\"warn\">The coordinator's trail also names \(HTML.escape(report.sitesWithoutTrail.joined(separator: ", "))), whose own trails were not given: what left \(report.sitesWithoutTrail.count == 1 ? "that site" : "those sites") is not shown here.</p>\n"
        }
        return html + "</section>\n"
    }

    private static func incidents(_ report: ComplianceReport) -> String {
        var html = "<section id=\"incidents\"><h2>4. Refusals, rejections and quarantines</h2>\n"
        html +=
            "<table><thead><tr><th>Site</th><th>Accepted</th><th>Rejected</th><th>Failed</th><th>Quarantined</th><th>Refused by the site</th></tr></thead><tbody>\n"
        for site in report.sites {
            let count = { (outcome: ComplianceReport.Decision.Outcome) in String(site.coordinatorView.filter { $0.outcome == outcome }.count) }
            html +=
                "<tr data-coordinator-view=\"\(HTML.escape(site.name))\">" + HTML.cell("site", site.name)
                + HTML.cell("accepted", count(.accepted), numeric: true)
                + HTML.cell("rejected", count(.rejected), numeric: true) + HTML.cell("failed", count(.failed), numeric: true)
                + HTML.cell("quarantined", count(.quarantined), numeric: true) + HTML.cell("refused", String(site.refusals.count), numeric: true) + "</tr>\n"
        }
        html += "</tbody></table>\n"
        guard !report.incidents.isEmpty else { return html + "<p data-field=\"incidents\">None recorded.</p></section>\n" }
        html += "<table><thead><tr><th>Site</th><th>Round</th><th>When (UTC)</th><th>What</th><th>Reason</th></tr></thead><tbody>\n"
        for incident in report.incidents {
            html +=
                "<tr class=\"incident\">" + HTML.cell("site", incident.site) + HTML.cell("round", incident.round.map(String.init) ?? "", numeric: true)
                + HTML.cell("time", incident.time) + HTML.cell("kind", incident.kind) + HTML.cell("reason", incident.reason) + "</tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private static func trails(_ report: ComplianceReport) -> String {
        var html = "<section id=\"trails\"><h2>5. Audit chain verification</h2>\n"
        html +=
            "<p>Each trail was re-verified for this report: every entry's SHA-256, its link to the line before, and the Ed25519 signature of the head (which commits to every earlier byte). The head hash is an anchor: record it, and a later copy of the trail that was cut back will be caught.</p>\n"
        html += "<table><thead><tr><th>Trail</th><th>Entries verified</th><th>Result</th><th>Key</th><th>Head (entry:hash)</th></tr></thead><tbody>\n"
        for trail in report.trails {
            let v = trail.verification
            let result = v.damage.map { "DAMAGED at entry \($0.entry): \($0.kind.rawValue): \($0.reason)" } ?? "intact"
            html +=
                "<tr data-trail=\"\(HTML.escape(trail.name))\">" + HTML.cell("name", trail.name)
                + HTML.cell("verified", "\(v.verifiedEntries) of \(v.entries)", numeric: true)
                + "<td data-field=\"result\" class=\"\(v.isIntact ? "ok" : "bad")\">\(HTML.escape(result))</td>"
                + HTML.cell("key", v.keyPinned ? "pinned" : "from the trail (not pinned)")
                + "<td data-field=\"head\" class=\"hash\">\(HTML.escape(v.head?.description ?? "none"))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    private static func quality(_ report: ComplianceReport) -> String {
        var html = "<section id=\"quality\"><h2>6. Data quality\(HTML.escape(report.site.map { " at \($0)" } ?? ""))</h2>\n"
        guard let quality = report.quality else { return html + "<p>No data-quality summary was provided.</p></section>\n" }
        html +=
            "<p>Source <code>\(HTML.escape(quality.source))</code>: <span data-field=\"rows-read\">\(HTML.escape(quality.rowsRead.description))</span> rows read, <span data-field=\"rows-included\">\(HTML.escape(quality.rowsIncluded.description))</span> included"
        if let schema = quality.schemaHash { html += "; schema <code>\(HTML.escape(String(schema.prefix(12))))...</code>" }
        html += ".</p>\n"
        if let suppression = quality.suppression {
            html += "<p data-field=\"suppression\">Small counts as the site published them: \(HTML.escape(suppression)).</p>\n"
        }
        if !quality.exclusions.isEmpty {
            html += "<table><thead><tr><th>Exclusion reason</th><th>Rows</th></tr></thead><tbody>\n"
            for exclusion in quality.exclusions {
                html +=
                    "<tr data-exclusion=\"\(HTML.escape(exclusion.reason))\">" + HTML.cell("reason", exclusion.reason)
                    + HTML.cell("rows", exclusion.rows.description, numeric: true) + "</tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if !quality.missingness.isEmpty {
            html += "<table><thead><tr><th>Feature</th><th>Missing (%)</th></tr></thead><tbody>\n"
            for item in quality.missingness {
                let missing =
                    item.missingPercent.map { CanonicalJSON.number(($0 * 10).rounded() / 10) }
                    ?? "withheld (\(item.missing.map { "\($0) patients" } ?? "small counts"))"
                html +=
                    "<tr data-feature=\"\(HTML.escape(item.feature))\">" + HTML.cell("feature", item.feature) + HTML.cell("missing", missing, numeric: true)
                    + "</tr>\n"
            }
            html += "</tbody></table>\n"
        }
        return html + "</section>\n"
    }

    private static func safeguards(_ report: ComplianceReport) -> String {
        var html = "<section id=\"hipaa\"><h2>7. HIPAA Security Rule safeguards</h2>\n"
        html +=
            "<p>How the controls above map to the Security Rule (45 CFR Part 164, Subpart C). Status reflects this study's records; controls that belong to the deployment layer (TLS, certificates) are marked as such rather than claimed.</p>\n"
        html += "<table><thead><tr><th>Safeguard</th><th>Cohort control</th><th>Status</th><th>Evidence</th></tr></thead><tbody>\n"
        for safeguard in report.safeguards {
            let statusClass = safeguard.status == .inPlace ? "ok" : (safeguard.status == .partial ? "warn" : "pending")
            html +=
                "<tr data-citation=\"\(HTML.escape(safeguard.citation))\"><td><strong>\(HTML.escape(safeguard.citation))</strong><br />\(HTML.escape(safeguard.title))</td>"
                + HTML.cell("control", safeguard.control)
                + "<td data-field=\"status\" class=\"\(statusClass)\">\(HTML.escape(safeguard.status.rawValue))</td>"
                + HTML.cell("evidence", safeguard.evidence) + "</tr>\n"
        }
        html +=
            "</tbody></table>\n<p class=\"cite\">Citations: 45 CFR 164.308 (administrative safeguards) and 164.312 (technical safeguards), HIPAA Security Rule, as published in the Electronic Code of Federal Regulations.</p>\n"
        return html + "</section>\n"
    }

    private static func round4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    private static let style = """
        body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2430;margin:2rem auto;max-width:1100px;padding:0 1rem;line-height:1.45;font-size:14px}
        h1{font-size:1.7rem;margin:0 0 .2rem}h2{font-size:1.15rem;border-bottom:2px solid #2f5d8a;padding-bottom:.2rem;margin-top:2rem;color:#2f5d8a}
        .subtitle{color:#4a5566;margin-top:0}table{border-collapse:collapse;width:100%;margin:.6rem 0}
        th,td{border:1px solid #c9d1dc;padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#eef2f7}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.hash,code{font-family:Menlo,Consolas,monospace;font-size:.8rem;word-break:break-all}
        table.summary{width:auto;min-width:50%}table.summary th{background:#f6f8fb;width:22rem}
        .ok{color:#176b2c;font-weight:600}.bad{color:#a11d1d;font-weight:600}.warn{color:#8a5a00;font-weight:600}.pending{color:#4a5566;font-style:italic}
        footer{margin-top:2rem;color:#4a5566;font-size:.8rem;border-top:1px solid #c9d1dc;padding-top:.5rem}.cite{font-size:.8rem;color:#4a5566}
        @media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr,table.summary{break-inside:avoid}thead{display:table-header-group}
        .ok,.bad,.warn{color:#000}a{color:#000}section{break-inside:auto}}
        """
}
