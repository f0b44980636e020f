#!/usr/bin/env bash
# Renders a compliance report and takes a full-page screenshot with headless Chromium, for a
# person to look at (layout, print styles). Not part of CI: the Swift tests check the page's
# structure and numbers without a browser.
#
#   scripts/compliance-report-screenshot.sh [REPORT.html] [OUT.png]
#
# Without REPORT.html it renders the report of the test suite's small audited study
# (ComplianceTests: theReportMatchesTheStudyRecords). Needs chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-}"
png="${2:-/tmp/compliance-report.png}"
if [[ -z "$html" ]]; then
    html=/tmp/compliance-report.html
    COHORT_COMPLIANCE_REPORT_HTML="$html" swift test --scratch-path "${SCRATCH:-.build-compliance}" \
        --filter ComplianceTests.ReportTests/theReportMatchesTheStudyRecords >/dev/null
fi
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
    echo "chromium is not installed (apt-get install -y chromium)" >&2
    exit 1
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,3000 \
    --screenshot="$png" "file://$(realpath "$html")" 2>/dev/null
"$browser" --headless --no-sandbox --disable-gpu --print-to-pdf="${png%.png}.pdf" --no-pdf-header-footer \
    "file://$(realpath "$html")" 2>/dev/null || true
echo "screenshot: $png"
[[ -f "${png%.png}.pdf" ]] && echo "print to PDF: ${png%.png}.pdf"
