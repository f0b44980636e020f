/// t-out-of-n secret sharing (Shamir, "How to share a secret", CACM 1979) of 32-byte secrets
/// over GF(2^61 - 1).
///
/// The secret is cut into five chunks (four of 7 bytes, one of 4), each below 2^56 and so a
/// field element; every chunk gets its own random polynomial of degree t - 1 whose constant
/// term is the chunk. Any t shares determine the polynomials (Lagrange interpolation at 0);
/// fewer than t are uniformly distributed whatever the secret, chunk by chunk.
///
/// SecAgg shares two secrets per client (the self-mask seed and the mask private key) with
/// its neighbours; the holder of a share is addressed by its participant index, which is the
/// evaluation point.
enum ShamirSharing {
    static let secretByteCount = 32
    static let chunkCount = 5
    private static let chunkWidths = [7, 7, 7, 7, 4]

    /// Splits `secret` (32 bytes) into one share per holder point; any `threshold` of them
    /// reconstruct it. Coefficients come from `generator`, which must be a CSPRNG in production.
    static func split<Generator: RandomNumberGenerator>(
        _ secret: [UInt8], threshold: Int, points: [UInt32], using generator: inout Generator
    ) -> [ShamirShare] {
        precondition(secret.count == secretByteCount, "Shamir sharing here takes 32-byte secrets")
        precondition(threshold >= 1 && threshold <= points.count, "threshold must be in 1...holders")
        let chunks = chunk(secret)
        // coefficients[c][d]: chunk c's coefficient of x^d, d = 0 the secret chunk itself.
        var coefficients: [[UInt64]] = chunks.map { constant in
            var row = [constant]
            row.reserveCapacity(threshold)
            for _ in 1..<threshold { row.append(PrimeField.random(using: &generator)) }
            return row
        }
        defer {
            for c in coefficients.indices { for d in coefficients[c].indices { coefficients[c][d] = 0 } }
        }
        return points.map { point in
            let x = UInt64(point)
            let values = coefficients.map { row -> UInt64 in
                // Horner's rule from the highest coefficient down.
                var y: UInt64 = 0
                for coefficient in row.reversed() { y = PrimeField.add(PrimeField.multiply(y, x), coefficient) }
                return y
            }
            return ShamirShare(x: point, values: values)
        }
    }

    /// Reconstructs the secret from at least `threshold` shares with distinct non-zero points
    /// (the first `threshold` by point are used). Throws when the shares are malformed or
    /// interpolate to something that is not a chunked 32-byte secret.
    static func reconstruct(_ shares: [ShamirShare], threshold: Int) throws(ShamirError) -> [UInt8] {
        guard shares.count >= threshold, threshold >= 1 else {
            throw .tooFewShares(have: shares.count, need: threshold)
        }
        guard shares.allSatisfy(\.isWellFormed) else { throw .malformedShare }
        let used = Array(shares.sorted { $0.x < $1.x }.prefix(threshold))
        for i in 1..<used.count where used[i].x == used[i - 1].x { throw .duplicatePoint(used[i].x) }
        let weights = lagrangeWeightsAtZero(points: used.map { UInt64($0.x) })
        var chunks = [UInt64](repeating: 0, count: chunkCount)
        for (share, weight) in zip(used, weights) {
            for c in 0..<chunkCount {
                chunks[c] = PrimeField.add(chunks[c], PrimeField.multiply(weight, share.values[c]))
            }
        }
        return try join(chunks)
    }

    /// lambda_j = prod_{m != j} x_m / (x_m - x_j), so that f(0) = sum_j lambda_j f(x_j).
    /// One batched inversion for all denominators.
    static func lagrangeWeightsAtZero(points: [UInt64]) -> [UInt64] {
        let count = points.count
        var numerator: UInt64 = 1
        for x in points { numerator = PrimeField.multiply(numerator, x) }
        var denominators = [UInt64](repeating: 1, count: count)
        for j in 0..<count {
            var d = points[j]
            for m in 0..<count where m != j { d = PrimeField.multiply(d, PrimeField.subtract(points[m], points[j])) }
            denominators[j] = d
        }
        // Batch inversion (Montgomery's trick): one field inversion, 3(n - 1) multiplications.
        var prefix = [UInt64](repeating: 1, count: count)
        var running: UInt64 = 1
        for j in 0..<count {
            prefix[j] = running
            running = PrimeField.multiply(running, denominators[j])
        }
        var inverse = PrimeField.inverse(running)
        var weights = [UInt64](repeating: 0, count: count)
        for j in stride(from: count - 1, through: 0, by: -1) {
            let inverseDenominator = PrimeField.multiply(inverse, prefix[j])
            inverse = PrimeField.multiply(inverse, denominators[j])
            weights[j] = PrimeField.multiply(numerator, inverseDenominator)
        }
        return weights
    }

    private static func chunk(_ secret: [UInt8]) -> [UInt64] {
        var offset = 0
        return chunkWidths.map { width in
            var value: UInt64 = 0
            for i in 0..<width { value |= UInt64(secret[offset + i]) << (8 * UInt64(i)) }
            offset += width
            return value
        }
    }

    private static func join(_ chunks: [UInt64]) throws(ShamirError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(secretByteCount)
        for (value, width) in zip(chunks, chunkWidths) {
            guard value >> (8 * UInt64(width)) == 0 else { throw .notASecret }
            for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
        }
        return bytes
    }
}

/// Why shares could not be combined.
enum ShamirError: Error, Equatable, CustomStringConvertible {
    case tooFewShares(have: Int, need: Int)
    case malformedShare
    case duplicatePoint(UInt32)
    /// The interpolated chunks are out of range: the shares do not come from one sharing.
    case notASecret

    var description: String {
        switch self {
        case .tooFewShares(let have, let need): "\(have) shares, \(need) needed"
        case .malformedShare: "a share is malformed (wrong chunk count, zero point or value outside the field)"
        case .duplicatePoint(let x): "two shares at the same point \(x)"
        case .notASecret: "the shares are inconsistent (they interpolate to an out-of-range secret)"
        }
    }
}
