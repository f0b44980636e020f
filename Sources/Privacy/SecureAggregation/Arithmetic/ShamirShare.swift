/// One holder's share of a 32-byte secret: the sharing polynomials of the secret's five
/// field-element chunks, evaluated at the holder's point `x` (its participant index, never 0).
public struct ShamirShare: Hashable, Sendable, Codable {
    public let x: UInt32
    /// One value in GF(2^61 - 1) per chunk of the secret.
    public let values: [UInt64]

    public init(x: UInt32, values: [UInt64]) {
        self.x = x
        self.values = values
    }

    /// Bytes on the wire: the point and the chunk values.
    static let encodedByteCount = 4 + ShamirSharing.chunkCount * 8

    /// A share with the right number of chunks, each a field element, at a non-zero point.
    var isWellFormed: Bool {
        x != 0 && values.count == ShamirSharing.chunkCount && values.allSatisfy { $0 < PrimeField.modulus }
    }
}
