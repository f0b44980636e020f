import ArgumentParser
import Compliance
import Foundation

/// `cohort audit recover`: the one explicit repair, for a write cut short by a crash.
struct AuditRecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Set aside a torn (half-written) last line so a trail can be extended again.",
        discussion: """
            Only a torn last line after an otherwise intact trail is handled: its bytes are moved to \
            TRAIL.torn-<time>, and a trail_recovered entry records how many bytes and their SHA-256. \
            Any other damage is refused: it needs investigation, not repair.
            """)

    @Option(help: "The audit trail.")
    var trail: String

    @Option(help: "The participant's private key (the trail's signer).")
    var key: String

    @Option(help: "The participant's name, as the trail records it.")
    var name: String

    @Option(help: "The participant's role: coordinator, site or steward.")
    var role: String = "site"

    @Option(help: "Who performs the recovery (recorded in the trail).")
    var by: String

    func run() throws {
        guard let role = ParticipantRole(rawValue: role) else { throw CohortError("--role must be coordinator, site or steward, got '\(role)'") }
        do {
            let signer = AuditSigner(name: name, role: role, privateKey: try AuditKeyFile.readPrivateKey(at: key))
            let recovered = try AuditTrail.recover(at: URL(fileURLWithPath: trail), signer: signer, by: by)
            print("\(trail): usable again; head \(recovered.head)")
            try recovered.close()
        } catch {
            throw CohortError("\(error)")
        }
    }
}
