extension SecureRandomGenerator {
    /// A draw from N(0, deviation²) that does not leak through its floating-point representation.
    ///
    /// A textbook floating-point Gaussian leaves gaps and uneven density among the doubles it
    /// can produce, and adding such noise to a sensitive value can reveal the value (Mironov,
    /// "On significance of the least significant bits for differential privacy", CCS 2012).
    /// This follows Holohan & Braghin ("Secure random sampling in differential privacy",
    /// ESORICS 2021, arXiv:2107.10138), as Opacus' secure mode does: the sum of n = 4
    /// independent N(0, deviation²) draws, each built from 53-bit uniform doubles, divided by
    /// 2 = sqrt(n) so that the variance is deviation² again.
    mutating func hardenedGaussian(deviation: Double) -> Double {
        let (first, second) = standardNormalPair()
        let (third, fourth) = standardNormalPair()
        return (first * deviation + second * deviation + third * deviation + fourth * deviation) / 2
    }

    /// Two independent standard normals from Marsaglia's polar method, which needs no
    /// trigonometry and wastes neither draw of the pair.
    private mutating func standardNormalPair() -> (Double, Double) {
        while true {
            let u = 2 * nextUnitDouble() - 1
            let v = 2 * nextUnitDouble() - 1
            let radius = u * u + v * v
            if radius > 0 && radius < 1 {
                let factor = (-2 * _log(radius) / radius).squareRoot()
                return (u * factor, v * factor)
            }
        }
    }
}
