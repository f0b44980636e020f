import Compliance
import Foundation
import FuzzSupport

/// A signed trail of a few events, as a site writes it.
enum AuditSeeds {
    static func make() throws -> [String: Data] {
        let folder = Scratch.root.appending(path: "audit-seeds-\(UUID().uuidString)", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let trailURL = folder.appending(path: "site-a.trail")
        let key = try AuditKeyFile.generate(at: folder.appending(path: "site-a.key").path)
        let trail = try AuditTrail.create(at: trailURL, signer: AuditSigner(name: "site-a", role: .site, privateKey: key))
        _ = try trail.append(.siteJoined(study: "heart", site: "site-a", publicKey: nil, certificateFingerprint: nil))
        _ = try trail.append(.roundStarted(study: "heart", round: 1, participants: ["site-a", "site-b"]))
        _ = try trail.append(.roundFinished(study: "heart", round: 1, contributors: ["site-a"], accepted: true))
        try trail.close()
        return ["site-trail.log": try Data(contentsOf: trailURL)]
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    Seeds.writeIfAsked(AuditSeeds.make)
    return 0
}
