/// Fixed-point encoding of float updates into the ring Z_{2^32} the masks live in.
///
/// A client with weight w_i (its capped sample count, or 1) and update x sends, per coordinate,
///
///     q_ij = SR( (w_i / W) * clip(x_ij, -c, c) * L / c )  in [-L, L]
///
/// as a two's-complement UInt32, where W is the weight cap, L the levels per side and SR
/// stochastic rounding (up with probability frac(v), down otherwise: unbiased, error below one
/// level; the bits come from the client's CSPRNG stream).
/// Its weight w_i travels as one more masked coordinate. The coordinator learns only the sums
/// S_j = sum_i q_ij and w = sum_i w_i and recovers FedAvg's weighted mean
///
///     mean_j = S_j * (c / L) * W / w,
///
/// within (c / L) * W * n / w of sum_i w_i clip(x_ij) / w, per coordinate (each client's
/// rounding moves its term by less than one level, (c / L) * W / w after scaling), and
/// unbiased. Compared with Flower (offset encoding in [0, Q], int64 on the wire) the signed
/// encoding needs no offset correction and the update travels as 4 bytes per parameter, 1x
/// the float32 update.
///
/// Overflow is ruled out, not warned about: with n participants the coordinate sums lie in
/// [-nL, nL] and decode unambiguously only if nL <= 2^31 - 1, and the weight sum needs
/// nW <= 2^32 - 1. `checkBounds` refuses a round that could break either (coordinator and
/// every client check it); `automatic` picks the finest L that fits, floor((2^31 - 1) / n).
public struct SecAggQuantization: Hashable, Sendable, Codable {
    /// c: each coordinate is clipped to [-c, c] before scaling.
    public var clipRange: Double
    /// L: quantization levels on each side of zero.
    public var levels: Int
    public var weighting: SecAggWeighting

    public init(clipRange: Double, levels: Int, weighting: SecAggWeighting) {
        self.clipRange = clipRange
        self.levels = levels
        self.weighting = weighting
    }

    /// The finest levels whose sum over `participants` clients cannot overflow.
    public static func automatic(clipRange: Double, participants: Int, weighting: SecAggWeighting) -> SecAggQuantization {
        SecAggQuantization(clipRange: clipRange, levels: Int(Int32.max) / max(participants, 1), weighting: weighting)
    }

    private static let roundingShift = 0x1.8p52
    private static let roundingShiftBits = UInt64(roundingShift.bitPattern)

    /// q = SR(clip(x) * scale) for one block; false if any x is
    /// NaN or infinite. Stochastic rounding here is round-to-nearest after adding u - 1/2 (u the
    /// random word / 2^32): up with probability frac(v), exactly as floor(v + u). Adding 1.5 * 2^52
    /// leaves the rounded integer in the low bits of the double (exact for |v| < 2^51): branch
    /// free, no libm floor (the x86-64 baseline has no roundsd), so the loop vectorizes.
    private func round(
        _ x: UnsafeBufferPointer<Float>, _ random: UnsafeBufferPointer<UInt32>, scale: Double,
        into output: UnsafeMutableBufferPointer<UInt32>
    ) -> Bool {
        let (low, high) = (-clipRange, clipRange)
        let limit = Double(levels)
        let shift = Self.roundingShift, shiftBits = Self.roundingShiftBits
        var nonFinite: UInt8 = 0
        for i in 0..<x.count {
            let value = Double(x[i])
            nonFinite |= value - value != 0 ? 1 : 0
            let clipped = value < low ? low : (value > high ? high : value)
            let scaled = clipped * scale + (Double(random[i]) * 0x1p-32 - 0.5)
            let noisy = scaled < -limit ? -limit : (scaled > limit ? limit : scaled)
            output[i] = UInt32(truncatingIfNeeded: (noisy + shift).bitPattern &- shiftBits)
        }
        let finite = nonFinite == 0
        return finite
    }

    /// The value of one level, c / L.
    public var step: Double { clipRange / Double(levels) }

    /// Refuses a scheme whose sums over `participants` clients could wrap around the modulus.
    public func checkBounds(participants: Int) throws(SecAggError) {
        guard clipRange > 0, clipRange.isFinite else { throw .configuration("the clipping range must be positive and finite, got \(clipRange)") }
        guard levels >= 1 else { throw .configuration("quantization needs at least one level, got \(levels)") }
        guard participants >= 1 else { throw .configuration("no participants") }
        let cap = weighting.cap
        guard cap >= 1 else { throw .configuration("the weight cap must be at least 1, got \(cap)") }
        let (coordinateBound, overflow) = participants.multipliedReportingOverflow(by: levels)
        guard !overflow, coordinateBound <= Int(Int32.max) else {
            throw .configuration(
                "\(participants) participants x \(levels) levels could reach \(overflow ? "more than 2^63" : String(coordinateBound)), beyond 2^31 - 1: the masked sum would wrap mod 2^32; use at most \(Int(Int32.max) / participants) levels"
            )
        }
        let (weightBound, weightOverflow) = participants.multipliedReportingOverflow(by: cap)
        guard !weightOverflow, weightBound <= Int(UInt32.max) else {
            throw .configuration("\(participants) participants x weight cap \(cap) could exceed 2^32 - 1: lower the cap")
        }
    }

    /// Clips, scales by the client's weight and rounds stochastically (bits from `generator`,
    /// the OS CSPRNG's stream in production), appending the weight as the last coordinate.
    public func quantize<Generator: RandomNumberGenerator>(
        _ update: [Float], sampleCount: Int, using generator: inout Generator
    ) throws(SecAggError) -> QuantizedUpdate {
        guard sampleCount >= 1 else { throw .refused("an update needs at least one training example, got \(sampleCount)") }
        let weight = weighting.weight(forSamples: sampleCount)
        let scale = Double(weight) / Double(weighting.cap) * Double(levels) / clipRange
        let count = update.count
        let blockSize = 4096
        var randomWords = [UInt32](repeating: 0, count: blockSize)
        var finite = true
        let values = [UInt32](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
            update.withUnsafeBufferPointer { x in
                randomWords.withUnsafeMutableBufferPointer { random in
                    var start = 0
                    while start < count {
                        let length = min(blockSize, count - start)
                        // Two 32-bit uniforms per 64-bit draw, a block at a time.
                        for i in stride(from: 0, to: length, by: 2) {
                            let draw = generator.next()
                            random[i] = UInt32(truncatingIfNeeded: draw)
                            if i + 1 < length { random[i + 1] = UInt32(truncatingIfNeeded: draw >> 32) }
                        }
                        finite =
                            round(
                                UnsafeBufferPointer(rebasing: x[start..<start + length]), UnsafeBufferPointer(random),
                                scale: scale, into: UnsafeMutableBufferPointer(rebasing: buffer[start..<start + length])) && finite
                        start += length
                    }
                }
            }
            buffer[count] = UInt32(weight)
            initialized = count + 1
        }
        guard finite else { throw .refused("the update has NaN or infinite values") }
        return QuantizedUpdate(values: values, scheme: self)
    }
}
