/// A small horizontal bar chart as inline SVG (no scripts, no external assets), so the HTML
/// report is one file that opens and prints anywhere.
struct SVGBarChart {
    struct Bar {
        var label: String
        /// nil: hidden, drawn as a grey stub labelled with `text` ("<11" or "withheld").
        var value: Double?
        var text: String
    }

    var bars: [Bar]
    /// The value of a full-width bar (e.g. 1 for fractions); defaults to the largest value.
    var scale: Double?
    var width = 520
    var barHeight = 16
    var labelWidth = 190

    func render() -> String {
        let maximum = scale ?? max(bars.compactMap(\.value).max() ?? 1, 1e-12)
        let plotWidth = Double(width - labelWidth - 70)
        let height = bars.count * (barHeight + 6) + 6
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">"
        for (row, bar) in bars.enumerated() {
            let y = 6 + row * (barHeight + 6)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + barHeight - 4)\" text-anchor=\"end\" class=\"axis\">\(HTML.escape(bar.label))</text>"
            if let value = bar.value {
                let length = max(0, min(1, value / maximum)) * plotWidth
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(format(length))\" height=\"\(barHeight)\" class=\"bar\"/>"
                svg += "<text x=\"\(format(Double(labelWidth) + length + 4))\" y=\"\(y + barHeight - 4)\" class=\"value\">\(HTML.escape(bar.text))</text>"
            } else {
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"8\" height=\"\(barHeight)\" class=\"suppressed\"/>"
                svg += "<text x=\"\(labelWidth + 12)\" y=\"\(y + barHeight - 4)\" class=\"value\">\(HTML.escape(bar.text))</text>"
            }
        }
        return svg + "</svg>"
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
