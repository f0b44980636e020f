/// Arithmetic in GF(p) for the Mersenne prime p = 2^61 - 1, the field Shamir sharing works in.
///
/// A Mersenne prime makes reduction a shift and an add (2^61 = 1 mod p), so a 61 x 61-bit
/// product reduces without division; 61 bits leave room for 7-byte secret chunks.
enum PrimeField {
    static let modulus: UInt64 = (1 << 61) - 1

    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let sum = a &+ b
        return sum >= modulus ? sum &- modulus : sum
    }

    @inline(__always)
    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        a >= b ? a &- b : a &+ modulus &- b
    }

    @inline(__always)
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        // product = high * 2^64 + low; split it at bit 61 and fold the top onto the bottom.
        let top = (high << 3) | (low >> 61)
        let sum = (low & modulus) &+ top
        return sum >= modulus ? sum &- modulus : sum
    }

    static func power(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
        var result: UInt64 = 1
        var base = base
        var exponent = exponent
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// The multiplicative inverse (Fermat: a^(p-2)); `a` must be non-zero.
    static func inverse(_ a: UInt64) -> UInt64 {
        precondition(a != 0 && a < modulus, "zero has no inverse")
        return power(a, modulus - 2)
    }

    /// A uniform element, by rejection of the single 61-bit value that is not below p.
    static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> UInt64 {
        while true {
            let candidate = generator.next() >> 3
            if candidate < modulus { return candidate }
        }
    }
}
