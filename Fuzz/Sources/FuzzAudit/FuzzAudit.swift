import Compliance
import Foundation
import FuzzSupport

/// An audit trail's lines as `cohort audit verify` reads them: `AuditVerifier.verify`, with
/// the key the first entry names and with every signature checked, on one thread and on two
/// (the hash chain is split at line boundaries), and against an anchor.
enum AuditTarget {
    static let anchor = AuditAnchor("3:" + String(repeating: "ab", count: 32))

    static func run(_ input: FuzzInput) {
        _ = AuditVerifier(threads: 1).verify(input.data)
        _ = AuditVerifier(signatures: .all, anchor: anchor, threads: 2).verify(input.data)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    AuditTarget.run(FuzzInput(start, count))
    return 0
}
