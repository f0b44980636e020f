import ArgumentParser
import Compliance
import Foundation

/// `cohort audit verify`: is the trail intact, and if not, where does it break?
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a trail's hash chain and signatures; report the first broken entry.",
        discussion: "Exits 0 when intact, 1 when damaged. Reads the trail without locking or changing it.")

    @OptionGroup var options: AuditTrailOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let start = ContinuousClock.now
        let verification: AuditVerification
        do { verification = try options.verifier().verify(at: URL(fileURLWithPath: options.trail)) } catch let error as AuditError {
            throw CohortError("\(error)")
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        if json {
            print(try JSONOutput.string(VerifyOutput(verification, path: options.trail, seconds: seconds), pretty: true))
        } else {
            let who = "\(verification.participant ?? "?") (\(verification.role?.rawValue ?? "?"))"
            let key = verification.keyPinned ? "pinned key" : "key from the trail itself (pass --public-key to pin it)"
            if let damage = verification.damage {
                print("DAMAGED: \(options.trail): first broken entry \(damage.entry) (\(damage.kind.rawValue)): \(damage.reason)")
                print("\(verification.verifiedEntries) of \(verification.entries) entries verified before it; trail of \(who), \(key)")
            } else {
                print("intact: \(options.trail): \(verification.entries) entries of \(who), \(key), \(verification.signaturesChecked) signature(s) checked")
            }
            if let head = verification.head { print("head: \(head)") }
        }
        if !verification.isIntact { throw ExitCode.failure }
    }

    struct VerifyOutput: Encodable {
        var path: String
        var intact: Bool
        var entries: Int
        var verifiedEntries: Int
        var participant: String?
        var role: String?
        var publicKey: String?
        var keyPinned: Bool
        var signaturesChecked: Int
        var head: String?
        var firstBrokenEntry: Int?
        var damage: String?
        var reason: String?
        var seconds: Double

        init(_ v: AuditVerification, path: String, seconds: Double) {
            self.path = path
            intact = v.isIntact
            entries = v.entries
            verifiedEntries = v.verifiedEntries
            participant = v.participant
            role = v.role?.rawValue
            publicKey = v.publicKey
            keyPinned = v.keyPinned
            signaturesChecked = v.signaturesChecked
            head = v.head?.description
            firstBrokenEntry = v.damage?.entry
            damage = v.damage?.kind.rawValue
            reason = v.damage?.reason
            self.seconds = seconds
        }
    }
}
