import Foundation
import FuzzSupport
import Privacy

/// SecAgg+ messages as a participant or the server receives them: the first byte picks the
/// message, the rest is read by its `init(serialized:)`; a setup that reads is then handed to
/// `SecAggClient` as a site would (graph, threshold, quantization checks) and its keys
/// advertised.
enum SecAggTarget {
    static func run(_ input: FuzzInput) {
        let (choice, payload) = input.selector(of: 8)
        let bytes = [UInt8](payload)
        do {
            switch choice {
            case 0:
                let setup = try SecAggSetup(serialized: bytes)
                _ = setup.serialized()
                if let site = setup.participants.first {
                    var client = try SecAggClient(site: site, setup: setup, entropy: .seeded(1))
                    _ = try client.advertiseKeys()
                }
            case 1: _ = try KeyAdvertisement(serialized: bytes).serialized()
            case 2: _ = try KeyRoster(serialized: bytes).serialized()
            case 3: _ = try EncryptedShares(serialized: bytes).serialized()
            case 4: _ = try ShareDelivery(serialized: bytes).serialized()
            case 5: _ = try MaskedInput(serialized: bytes).serialized()
            case 6: _ = try UnmaskRequest(serialized: bytes).serialized()
            default: _ = try UnmaskResponse(serialized: bytes).serialized()
            }
        } catch {
            // A refused message is an answer; only a trap or a sanitizer report is a finding.
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    SecAggTarget.run(FuzzInput(start, count))
    return 0
}
