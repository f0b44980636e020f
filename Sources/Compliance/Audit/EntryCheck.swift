import Crypto

/// The checks one line must pass on its own and against the line before it, done on raw
/// bytes at fixed offsets (see `AuditLineFormat`): no JSON parsing, two SHA-256 passes that
/// share the body's work.
enum EntryCheck {
    struct Problem: Error {
        var kind: AuditDamage.Kind
        var reason: String
    }

    /// Checks `line` as entry number `sequence` following a line whose SHA-256 is
    /// `previousLink`, and returns this line's own SHA-256 (the next link).
    static func check(_ line: UnsafeRawBufferPointer, sequence: Int, previousLink: LineLink) throws(Problem) -> LineLink {
        let tail = AuditLineFormat.tailLength
        let previousField = AuditLineFormat.previousFieldLength
        guard line.count > AuditLineFormat.sequenceKey.count + previousField + tail,
            starts(line, at: 0, with: AuditLineFormat.sequenceKey)
        else {
            throw Problem(kind: .malformed, reason: "not a trail entry")
        }
        let bodyEnd = line.count - tail
        guard starts(line, at: bodyEnd, with: AuditLineFormat.hashKey),
            starts(line, at: bodyEnd + AuditLineFormat.hashKey.count + 64, with: AuditLineFormat.signatureKey),
            starts(line, at: line.count - 2, with: AuditLineFormat.closing),
            starts(line, at: bodyEnd - previousField, with: AuditLineFormat.previousKey),
            line[bodyEnd - 1] == 0x22
        else {
            throw Problem(kind: .malformed, reason: "the prev/hash/sig fields are not where the format puts them")
        }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: line[0..<bodyEnd]))
        let bodyDigest = hasher.finalize()
        let storedHash = UnsafeRawBufferPointer(rebasing: line[(bodyEnd + AuditLineFormat.hashKey.count)..<(bodyEnd + AuditLineFormat.hashKey.count + 64)])
        let matches = bodyDigest.withUnsafeBytes { Hex.matches(storedHash, $0) }
        guard matches else {
            throw Problem(kind: .hashMismatch, reason: "its content does not hash to its recorded hash (the entry was altered)")
        }
        let found = parseSequence(line)
        guard found == sequence else {
            let shown = found.map(String.init) ?? "unreadable"
            throw Problem(kind: .sequence, reason: "numbered \(shown) where \(sequence) belongs (an entry was deleted, inserted or moved)")
        }
        let storedPrevious = UnsafeRawBufferPointer(rebasing: line[(bodyEnd - 65)..<(bodyEnd - 1)])
        let linked = withUnsafeBytes(of: previousLink.bytes) { Hex.matches(storedPrevious, $0) }
        guard linked else {
            throw Problem(kind: .brokenLink, reason: "does not follow from the line before it (that line changed, or an entry was inserted, deleted or moved)")
        }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: line[bodyEnd...]))
        return LineLink(hasher.finalize())
    }

    /// Whether the line's recorded signature verifies under `key`.
    static func signatureIsValid(_ line: UnsafeRawBufferPointer, key: Curve25519.Signing.PublicKey) -> Bool {
        let bodyEnd = line.count - AuditLineFormat.tailLength
        guard bodyEnd > 0 else { return false }
        let hashStart = bodyEnd + AuditLineFormat.hashKey.count
        let signatureStart = hashStart + 64 + AuditLineFormat.signatureKey.count
        guard let digest = Hex.bytes(UnsafeRawBufferPointer(rebasing: line[hashStart..<(hashStart + 64)])),
            let signature = Hex.bytes(UnsafeRawBufferPointer(rebasing: line[signatureStart..<(signatureStart + 128)]))
        else {
            return false
        }
        return key.isValidSignature(signature, for: AuditLineFormat.signedMessage(digestBytes: digest))
    }

    private static func starts(_ line: UnsafeRawBufferPointer, at offset: Int, with prefix: [UInt8]) -> Bool {
        guard offset >= 0, offset + prefix.count <= line.count else { return false }
        for index in prefix.indices where line[offset + index] != prefix[index] { return false }
        return true
    }

    private static func parseSequence(_ line: UnsafeRawBufferPointer) -> Int? {
        var index = AuditLineFormat.sequenceKey.count
        var value = 0
        var digits = 0
        while index < line.count, line[index] >= 48, line[index] <= 57, digits < 18 {
            value = value * 10 + Int(line[index] - 48)
            index += 1
            digits += 1
        }
        guard digits > 0, index < line.count, line[index] == 0x2C else { return nil }
        return value
    }
}
