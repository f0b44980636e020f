/// The round a secure-aggregation session belongs to: every key, ciphertext and message is
/// bound to it, so nothing from another study or round (or a replay of it) is accepted.
public struct SecAggRound: Hashable, Sendable, Codable, CustomStringConvertible {
    public var study: String
    public var round: Int

    public init(study: String, round: Int) {
        self.study = study
        self.round = round
    }

    public var description: String { "\(study) round \(round)" }

    /// An unambiguous byte encoding (length-prefixed study, then the round), used in HKDF
    /// info strings and AEAD associated data.
    var bindingBytes: [UInt8] {
        var writer = ByteWriter()
        writer.write(study)
        writer.write(UInt64(truncatingIfNeeded: round))
        return writer.bytes
    }
}
