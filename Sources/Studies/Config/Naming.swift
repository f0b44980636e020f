/// The names Cohort accepts for consortia and sites: they end up in URIs, file names and
/// log lines, so they are kept to a small, unambiguous alphabet.
public enum Naming {
    public static let rule = "1-64 characters: lowercase letters, digits, '-', '_' and '.', starting with a letter or digit"

    public static func isValid(_ name: String) -> Bool {
        guard (1...64).contains(name.count), let first = name.unicodeScalars.first,
            isLowerAlphanumeric(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { isLowerAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
