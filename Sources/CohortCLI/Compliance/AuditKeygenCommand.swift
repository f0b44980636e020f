import ArgumentParser
import Compliance

/// `cohort audit keygen`: a participant's signing key.
struct AuditKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 key for signing a participant's audit trail.",
        discussion: """
            Writes FILE (PKCS#8 PEM, mode 0600) and FILE.pub (the public key, PEM), readable by openssl. \
            Give FILE.pub to whoever verifies the trail (the coordinator, an auditor): verification \
            against a pinned key is what makes the trail evidence. Never overwrites a key.
            """)

    @Option(help: "Where to write the private key; the public key goes to FILE.pub.")
    var out: String

    func run() throws {
        do {
            let key = try AuditKeyFile.generate(at: out)
            print("wrote \(out) (private, 0600) and \(out).pub")
            print("public key: \(AuditIdentity(name: "", role: .site, publicKey: key.publicKey).publicKeyHex)")
        } catch {
            throw CohortError("\(error)")
        }
    }
}
