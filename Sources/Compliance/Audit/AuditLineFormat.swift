import Crypto
import Foundation

/// The byte layout of one trail line, the format's single source of truth.
///
///     {"seq":7,"time":"2025-06-01T09:30:00.125Z","by":"site-a","event":"update_sent",
///      "study":"s1","round":3,"site":"site-a","data":{...},"prev":"<64 hex>"
///      ,"hash":"<64 hex>","sig":"<128 hex>"}\n
///
/// (one line in the file). The *body* is everything up to and including the `prev` value.
/// `hash` is SHA-256 of the body's bytes exactly as written, so verifying needs no
/// re-encoding and no JSON parser; `prev` is SHA-256 of the whole previous line (its hash and
/// signature included; zeros for the first entry), so every byte of every earlier line is
/// committed by every later hash; `sig` is Ed25519 over `domain || hash`.
///
/// The tail after the body has a fixed length, and `prev` sits at a fixed distance before
/// it, so the verifier finds every field by offset.
enum AuditLineFormat {
    static let version = "cohort-audit/1"
    /// Signatures cover this prefix and the entry hash: a trail signature cannot be replayed
    /// as a signature of anything else made with the same key.
    static let signatureDomain = Array("cohort-audit/1 entry\n".utf8)

    static let hashKey = Array(",\"hash\":\"".utf8)
    static let signatureKey = Array("\",\"sig\":\"".utf8)
    static let closing = Array("\"}".utf8)
    static let previousKey = Array(",\"prev\":\"".utf8)
    static let sequenceKey = Array("{\"seq\":".utf8)

    static let digestHexLength = 64
    static let signatureHexLength = 128
    /// `,"hash":"` + 64 + `","sig":"` + 128 + `"}`.
    static let tailLength = hashKey.count + digestHexLength + signatureKey.count + signatureHexLength + closing.count
    /// `,"prev":"` + 64 + `"`, at the end of the body.
    static let previousFieldLength = previousKey.count + digestHexLength + 1

    static let genesisLink = String(repeating: "0", count: 64)

    /// The body of an entry: everything the hash covers.
    static func body(sequence: Int, time: Date, participant: String, event: AuditEvent, previous: String) -> String {
        let layout = event.layout
        var line = "{\"seq\":"
        line.reserveCapacity(512)
        line.append(String(sequence))
        line.append(",\"time\":\"")
        line.append(AuditTimestamp.string(time))
        line.append("\",\"by\":")
        CanonicalJSON.string(participant, into: &line)
        line.append(",\"event\":\"")
        line.append(layout.kind.rawValue)
        line.append("\"")
        if let study = layout.study {
            line.append(",\"study\":")
            CanonicalJSON.string(study, into: &line)
        }
        if let round = layout.round {
            line.append(",\"round\":")
            line.append(String(round))
        }
        if let site = layout.site {
            line.append(",\"site\":")
            CanonicalJSON.string(site, into: &line)
        }
        line.append(",\"data\":")
        CanonicalJSON.write(layout.fields, into: &line)
        line.append(",\"prev\":\"")
        line.append(previous)
        line.append("\"")
        return line
    }

    /// The tail that closes a line, newline excluded.
    static func tail(hash: String, signature: String) -> String {
        ",\"hash\":\"" + hash + "\",\"sig\":\"" + signature + "\"}"
    }

    static func signedMessage(_ digest: SHA256.Digest) -> [UInt8] {
        var message = signatureDomain
        message.append(contentsOf: digest)
        return message
    }

    static func signedMessage(digestBytes: [UInt8]) -> [UInt8] { signatureDomain + digestBytes }
}
