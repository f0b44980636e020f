/// Certificate fingerprints as people paste them ("SHA256:AB:CD:...", "ab cd ...", plain hex)
/// reduced to one form, 64 lower-case hex digits, so comparisons cannot miss on spelling.
public enum CertificateFingerprint {
    public static func normalized(_ text: String) -> String? {
        var hex = text.lowercased()
        if hex.hasPrefix("sha256:") { hex.removeFirst(7) } else if hex.hasPrefix("sha-256:") { hex.removeFirst(8) }
        hex.removeAll { $0 == ":" || $0 == " " || $0 == "-" }
        guard hex.count == 64, Hex.bytes(hex) != nil else { return nil }
        return hex
    }
}
