import Compliance
import Foundation

/// The keys that pin the site trails of a compliance report: `--site-key NAME=KEY` (repeatable),
/// a bare `--site-key KEY` when there is one site trail, and `--site-key-dir DIR` holding
/// `NAME.key.pub` or `NAME.pub` (as `cohort audit keygen` and `simulate --audit-dir` write them).
///
/// A trail names its site in its first entry, which anyone can write; the pinned key is what
/// makes that name mean something. Keys are therefore looked up by the name the trail claims,
/// and the trail is then verified under that key: a trail that claims another site's name
/// fails verification. Every key given must match a trail, so a mistyped name is an error
/// rather than a trail silently left unpinned.
struct SiteTrailKeys {
    private var named: [String: Curve25519PublicKey] = [:]
    private var unnamed: Curve25519PublicKey?
    private var folder: String?
    private var used: Set<String> = []

    init(_ arguments: [String], folder: String?, trailCount: Int) throws {
        self.folder = folder
        for argument in arguments {
            // A key file whose name holds '=' is still a key file.
            if let equals = argument.firstIndex(of: "="), !FileManager.default.fileExists(atPath: argument) {
                let name = String(argument[..<equals]), key = String(argument[argument.index(after: equals)...])
                guard !name.isEmpty else { throw CohortError("--site-key \(argument): expected NAME=KEY (a .pub file or 64 hex digits)") }
                guard named[name] == nil else { throw CohortError("--site-key \(name) is given twice") }
                named[name] = try Self.read(key, flag: "--site-key \(name)")
            } else {
                guard trailCount == 1, unnamed == nil else {
                    throw CohortError("--site-key \(argument): with several --site-trail, name the site: --site-key NAME=KEY")
                }
                unnamed = try Self.read(argument, flag: "--site-key")
            }
        }
        if let folder {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CohortError("--site-key-dir \(folder): no such folder")
            }
        }
    }

    /// The key for the trail of site `name`; nil leaves the trail unpinned (only when no key
    /// source covers it: with --site-key-dir, every site needs its key there).
    mutating func key(for name: String?) throws -> Curve25519PublicKey? {
        if let unnamed { return unnamed }
        guard let name else { return nil }
        if let key = named[name] {
            used.insert(name)
            return key
        }
        guard let folder else { return nil }
        guard !name.contains("/"), name != "..", name != "." else {
            throw CohortError("--site-key-dir: a trail names its site '\(name)', which is not a file name; pin it with --site-key NAME=KEY")
        }
        let candidates = ["\(name).key.pub", "\(name).pub"].map { (folder as NSString).appendingPathComponent($0) }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw CohortError(
                "--site-key-dir \(folder) has no key for site \(name) (looked for \(name).key.pub and \(name).pub); add it or pin it with --site-key \(name)=KEY"
            )
        }
        return try Self.read(path, flag: "--site-key-dir")
    }

    /// Names given with --site-key that no trail claimed.
    var unused: [String] { named.keys.filter { !used.contains($0) }.sorted() }

    private static func read(_ text: String, flag: String) throws -> Curve25519PublicKey {
        do { return try AuditKeyFile.readPublicKey(text) } catch { throw CohortError("\(flag): \(error)") }
    }
}
