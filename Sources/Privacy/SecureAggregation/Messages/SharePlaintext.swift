import Crypto
import Foundation

/// What one client encrypts to one neighbour: its share of its self-mask seed and its share of
/// its mask private key, both at the neighbour's point, with both indices inside the
/// ciphertext (Bonawitz et al. 2017, round 1) and the round, stage and indices as associated
/// data, so a ciphertext moved to another pair, stage or round fails to open.
struct SharePlaintext: Hashable, Sendable {
    var sender: UInt32
    var recipient: UInt32
    var seedShare: ShamirShare
    var keyShare: ShamirShare

    /// The nonce is the sender's index: the key is unique to the pair and round, and each
    /// direction encrypts exactly once, so (key, nonce) never repeats.
    func sealed(with key: SymmetricKey, round: SecAggRound) -> [UInt8] {
        var writer = ByteWriter(capacity: 8 + 2 * ShamirShare.encodedByteCount)
        writer.write(sender)
        writer.write(recipient)
        writer.write(seedShare)
        writer.write(keyShare)
        let nonce = Self.nonce(sender: sender)
        // Sealing with a valid 256-bit key and 12-byte nonce cannot fail.
        let box = try! AES.GCM.seal(
            writer.bytes, using: key, nonce: nonce,
            authenticating: Self.associatedData(round: round, sender: sender, recipient: recipient))
        return Array(box.combined!)
    }

    static func open(
        _ ciphertext: [UInt8], with key: SymmetricKey, round: SecAggRound,
        sender: UInt32, recipient: UInt32
    ) throws(SecAggError) -> SharePlaintext {
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: ciphertext)
            guard Array(box.nonce) == Array(nonce(sender: sender)) else {
                throw SecAggError.malformed("the share from participant \(sender) has the wrong nonce")
            }
            plaintext = try AES.GCM.open(box, using: key, authenticating: associatedData(round: round, sender: sender, recipient: recipient))
        } catch let error as SecAggError {
            throw error
        } catch {
            throw .malformed("the share from participant \(sender) does not decrypt (tampered, misrouted or from another round)")
        }
        var reader = ByteReader(Array(plaintext))
        let decoded = SharePlaintext(
            sender: try reader.readUInt32(), recipient: try reader.readUInt32(),
            seedShare: try reader.readShare(), keyShare: try reader.readShare())
        try reader.finish()
        guard decoded.sender == sender, decoded.recipient == recipient else {
            throw .malformed("the share from participant \(sender) names \(decoded.sender) -> \(decoded.recipient)")
        }
        guard decoded.seedShare.isWellFormed, decoded.keyShare.isWellFormed,
            decoded.seedShare.x == recipient, decoded.keyShare.x == recipient
        else {
            throw .malformed("the shares from participant \(sender) are not well-formed shares at point \(recipient)")
        }
        return decoded
    }

    private static func nonce(sender: UInt32) -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for i in 0..<4 { bytes[11 - i] = UInt8(truncatingIfNeeded: sender >> (8 * UInt32(i))) }
        return try! AES.GCM.Nonce(data: bytes)
    }

    private static func associatedData(round: SecAggRound, sender: UInt32, recipient: UInt32) -> [UInt8] {
        var writer = ByteWriter()
        writer.write("cohort.secagg.share")
        writer.write(bytes: round.bindingBytes)
        writer.write(SecAggStage.shareKeys.rawValue)
        writer.write(sender)
        writer.write(recipient)
        return writer.bytes
    }
}
