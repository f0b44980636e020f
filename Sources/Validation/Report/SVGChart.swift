/// A small SVG plotting surface for the report's figures: linear axes with ticks, lines,
/// points, interval bars and a legend, written as inline SVG so the report is one file that
/// needs no script or network to render.
struct SVGChart {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
    static let pooledColor = "#000000"

    var title: String
    var xLabel: String
    var yLabel: String
    var xDomain: ClosedRange<Double>
    var yDomain: ClosedRange<Double>
    var width = 440.0
    var height = 330.0
    var left = 56.0, right = 16.0, top = 28.0, bottom = 46.0
    /// Where the legend goes: the corner the curves leave empty.
    enum Corner {
        case topLeft, topRight, bottomRight
    }

    var legendCorner = Corner.topLeft
    private var body: [String] = []
    private var legend: [(label: String, color: String, dashed: Bool)] = []

    init(title: String, xLabel: String, yLabel: String, xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xDomain = xDomain
        self.yDomain = yDomain
    }

    func x(_ value: Double) -> Double {
        left + (min(max(value, xDomain.lowerBound), xDomain.upperBound) - xDomain.lowerBound) / (xDomain.upperBound - xDomain.lowerBound)
            * (width - left - right)
    }

    func y(_ value: Double) -> Double {
        height - bottom - (min(max(value, yDomain.lowerBound), yDomain.upperBound) - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound)
            * (height - top - bottom)
    }

    static func coordinate(_ value: Double) -> String { ReportText.number(value, digits: 1) }

    mutating func line(_ points: [(Double, Double)], color: String, label: String? = nil, dashed: Bool = false, width: Double = 1.6) {
        guard !points.isEmpty else { return }
        let path = points.map { "\(Self.coordinate(x($0.0))),\(Self.coordinate(y($0.1)))" }.joined(separator: " ")
        body.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(width)\"\(dashed ? " stroke-dasharray=\"5 4\"" : "") points=\"\(path)\"/>")
        if let label { legend.append((label, color, dashed)) }
    }

    mutating func point(_ px: Double, _ py: Double, color: String, radius: Double = 3.2) {
        body.append("<circle cx=\"\(Self.coordinate(x(px)))\" cy=\"\(Self.coordinate(y(py)))\" r=\"\(radius)\" fill=\"\(color)\"/>")
    }

    mutating func verticalBar(at px: Double, from low: Double, to high: Double, color: String) {
        body.append(
            "<line x1=\"\(Self.coordinate(x(px)))\" y1=\"\(Self.coordinate(y(low)))\" x2=\"\(Self.coordinate(x(px)))\" y2=\"\(Self.coordinate(y(high)))\" stroke=\"\(color)\" stroke-width=\"1\"/>"
        )
    }

    /// A line of text in the middle of the plot (e.g. why it is empty).
    mutating func message(_ text: String) {
        body.append(
            "<text x=\"\(Self.coordinate((left + width - right) / 2))\" y=\"\(Self.coordinate((top + height - bottom) / 2))\" text-anchor=\"middle\" class=\"legend na\">\(ReportText.escape(text))</text>"
        )
    }

    /// Tick values: every `step` from the domain's lower bound.
    static func ticks(_ domain: ClosedRange<Double>, step: Double) -> [Double] {
        let count = Int(((domain.upperBound - domain.lowerBound) / step).rounded())
        return (0...count).map { domain.lowerBound + Double($0) * step }
    }

    func render(xStep: Double = 0.2, yStep: Double = 0.2, digits: Int = 1) -> String {
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(ReportText.escape(title))\">"
        ]
        svg.append("<text x=\"\(Self.coordinate(width / 2))\" y=\"16\" text-anchor=\"middle\" class=\"chart-title\">\(ReportText.escape(title))</text>")
        let plotLeft = left, plotRight = width - right, plotTop = top, plotBottom = height - bottom
        svg.append(
            "<rect x=\"\(Self.coordinate(plotLeft))\" y=\"\(Self.coordinate(plotTop))\" width=\"\(Self.coordinate(plotRight - plotLeft))\" height=\"\(Self.coordinate(plotBottom - plotTop))\" fill=\"none\" stroke=\"#888\"/>"
        )
        for tick in Self.ticks(xDomain, step: xStep) {
            let px = Self.coordinate(x(tick))
            svg.append("<line x1=\"\(px)\" y1=\"\(Self.coordinate(plotBottom))\" x2=\"\(px)\" y2=\"\(Self.coordinate(plotTop))\" stroke=\"#eee\"/>")
            svg.append(
                "<text x=\"\(px)\" y=\"\(Self.coordinate(plotBottom + 14))\" text-anchor=\"middle\" class=\"tick\">\(ReportText.number(tick, digits: digits))</text>"
            )
        }
        for tick in Self.ticks(yDomain, step: yStep) {
            let py = Self.coordinate(y(tick))
            svg.append("<line x1=\"\(Self.coordinate(plotLeft))\" y1=\"\(py)\" x2=\"\(Self.coordinate(plotRight))\" y2=\"\(py)\" stroke=\"#eee\"/>")
            svg.append(
                "<text x=\"\(Self.coordinate(plotLeft - 5))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"tick\">\(ReportText.number(tick, digits: digits))</text>"
            )
        }
        svg.append(
            "<text x=\"\(Self.coordinate((plotLeft + plotRight) / 2))\" y=\"\(Self.coordinate(height - 8))\" text-anchor=\"middle\" class=\"axis\">\(ReportText.escape(xLabel))</text>"
        )
        svg.append(
            "<text transform=\"translate(14 \(Self.coordinate((plotTop + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">\(ReportText.escape(yLabel))</text>"
        )
        svg += body
        let legendWidth = 96.0
        let legendLeft = legendCorner == .topLeft ? plotLeft + 8 : plotRight - legendWidth
        let legendTop = legendCorner == .bottomRight ? plotBottom - 6 - Double(legend.count) * 14 : plotTop + 10
        if !legend.isEmpty {
            svg.append(
                "<rect x=\"\(Self.coordinate(legendLeft - 4))\" y=\"\(Self.coordinate(legendTop - 8))\" width=\"\(Self.coordinate(legendWidth))\" height=\"\(Self.coordinate(Double(legend.count) * 14 + 2))\" fill=\"#fff\" fill-opacity=\"0.85\"/>"
            )
        }
        for (index, entry) in legend.enumerated() {
            let ly = legendTop + Double(index) * 14
            svg.append(
                "<line x1=\"\(Self.coordinate(legendLeft))\" y1=\"\(Self.coordinate(ly))\" x2=\"\(Self.coordinate(legendLeft + 18))\" y2=\"\(Self.coordinate(ly))\" stroke=\"\(entry.color)\" stroke-width=\"2\"\(entry.dashed ? " stroke-dasharray=\"5 4\"" : "")/>"
            )
            svg.append(
                "<text x=\"\(Self.coordinate(legendLeft + 22))\" y=\"\(Self.coordinate(ly))\" dominant-baseline=\"middle\" class=\"legend\">\(ReportText.escape(entry.label))</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
