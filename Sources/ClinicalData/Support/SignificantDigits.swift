import Foundation

extension Double {
    /// The value rounded to `digits` significant digits (1234.5 to 3 digits: 1230). Published
    /// means and the federation's standardization use four: enough for people and for
    /// training, too few to serve as a checksum from which other figures can be solved.
    func rounded(significantDigits digits: Int) -> Double {
        guard self != 0, isFinite else { return self }
        let scale = pow(10, Double(digits - 1) - floor(log10(abs(self))))
        return (self * scale).rounded() / scale
    }
}
