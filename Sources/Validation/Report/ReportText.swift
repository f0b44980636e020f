import Foundation

/// How the HTML report writes numbers and text: fixed decimals (so the same report is the
/// same bytes), a minus sign only on a non-zero value, and escaping for every string.
enum ReportText {
    static func number(_ value: Double, digits: Int = 3) -> String {
        precondition(value.isFinite, "a non-finite value reached the report's text")
        let text = String(format: "%.\(digits)f", value)
        // "-0.000" reads as a negative value that is not there.
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text
    }

    static func interval(_ value: Interval, digits: Int = 3) -> String {
        "\(number(value.estimate, digits: digits)) (\(number(value.ciLow, digits: digits)) to \(number(value.ciHigh, digits: digits)))"
    }

    /// An interval, or its reason in a muted note: a reader sees why, never a fake number.
    static func interval(_ result: Result<Interval, NotEstimable>, digits: Int = 3) -> String {
        switch result {
        case .success(let value): escape(interval(value, digits: digits))
        case .failure(let reason): note(reason.reason)
        }
    }

    /// The AUROC with its interval, or its estimate and why there is no interval, or why
    /// there is neither.
    static func auroc(_ metrics: GroupMetrics) -> String {
        if case .failure(let reason) = metrics.auroc, let estimate = metrics.aurocEstimate {
            return "\(number(estimate)) \(note(reason.reason))"
        }
        return interval(metrics.auroc)
    }

    static func value(_ result: Result<Double, NotEstimable>, digits: Int = 3) -> String {
        switch result {
        case .success(let value): number(value, digits: digits)
        case .failure(let reason): note(reason.reason)
        }
    }

    static func note(_ text: String) -> String { "<span class=\"na\">\(escape(text))</span>" }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
