import Crypto
import Federation
import Foundation

/// The secret randomness behind one client's round: 256 bits from which its key pairs,
/// self-mask seed, Shamir coefficients and stochastic-rounding bits are all derived
/// (HKDF-SHA256 per purpose, then an AES-CTR stream).
///
/// In production it must come from the operating system's CSPRNG (`system()`); the security
/// of the masks rests on it. `seeded` exists for tests and reproducible simulations only: its
/// output is a public function of the seed, so anyone who knows the seed can unmask.
///
/// What else is seeded, and why that is safe: the neighbour graph's labelling (public by
/// design, it only needs to be independent of who is corrupt or drops) comes from the setup's
/// `graphSeed`.
public struct SecAggEntropy: Sendable {
    let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    /// 256 bits from the operating system's CSPRNG (swift-crypto's key generation).
    public static func system() -> SecAggEntropy {
        SecAggEntropy(key: SymmetricKey(size: .bits256))
    }

    /// Reproducible, NOT secret: for tests and simulations whose masks need not hide anything.
    public static func seeded(_ seed: UInt64, stream: UInt64 = 0) -> SecAggEntropy {
        var writer = ByteWriter()
        writer.write("cohort.secagg.seeded-entropy")
        writer.write(seed)
        writer.write(stream)
        return SecAggEntropy(key: SymmetricKey(data: SHA256.hash(data: writer.bytes)))
    }

    /// Reproducible, NOT secret: one client's randomness in one round of a simulated study,
    /// from the study seed, so the same seed gives the same masks, rounding and model bits.
    public static func seeded(_ seed: UInt64, round: SecAggRound, site: SiteID) -> SecAggEntropy {
        var writer = ByteWriter()
        writer.write("cohort.secagg.simulated-entropy")
        writer.write(seed)
        writer.write(bytes: round.bindingBytes)
        writer.write(site.name)
        return SecAggEntropy(key: SymmetricKey(data: SHA256.hash(data: writer.bytes)))
    }

    /// An independent stream for one purpose of one client in one round.
    func generator(for purpose: String, round: SecAggRound, participant: UInt32) -> KeystreamGenerator {
        var info = ByteWriter()
        info.write(purpose)
        info.write(bytes: round.bindingBytes)
        info.write(participant)
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: SecAggKeys.salt, info: info.bytes, outputByteCount: 32)
        return KeystreamGenerator(key: derived)
    }
}
