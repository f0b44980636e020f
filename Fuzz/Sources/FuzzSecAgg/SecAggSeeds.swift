import Federation
import Foundation
import FuzzSupport
import Privacy

/// One message of each SecAgg+ kind for a three-site round, as the project writes them (the
/// key advertisement from a real client; ciphertexts and shares are placeholders of the
/// right sizes, which the readers do not open).
enum SecAggSeeds {
    static func make() throws -> [String: Data] {
        let round = SecAggRound(study: "heart", round: 2)
        let sites = [SiteID("site-a"), SiteID("site-b"), SiteID("site-c")]
        let setup = SecAggSetup(round: round, participants: sites, parameterCount: 8, shape: .complete, threshold: 2,
                                graphSeed: 7, quantization: SecAggQuantization(clipRange: 1, levels: 1 << 16, weighting: .bySamples(cap: 1000)),
                                updateNormBound: 5)
        var client = try SecAggClient(site: sites[0], setup: setup, entropy: .seeded(1))
        let advertisement = try client.advertiseKeys()
        func header(_ stage: SecAggStage) -> SecAggHeader { SecAggHeader(round: round, stage: stage, participant: 1) }
        let keys = Array(repeating: UInt8(9), count: 32)
        let roster = KeyRoster(header: header(.advertiseKeys), peers: (1...3).map { PeerKeys(participant: $0, encryptionKey: keys, maskingKey: keys) })
        let ciphertext = AddressedCiphertext(peer: 2, ciphertext: Array(repeating: 1, count: 80))
        let shares = EncryptedShares(header: header(.shareKeys), seedCommitment: Array(repeating: 3, count: 32), shares: [ciphertext])
        let delivery = ShareDelivery(header: header(.shareKeys), shares: [ciphertext])
        let masked = MaskedInput(header: header(.maskedInput), values: [1, 2, 3, 4, 5, 6, 7, 8])
        let request = UnmaskRequest(header: header(.unmask), survivors: [1, 2], dropped: [3])
        return [
            "setup.bin": Seeds.selected(0, setup.serialized()),
            "key-advertisement.bin": Seeds.selected(1, advertisement.serialized()),
            "key-roster.bin": Seeds.selected(2, roster.serialized()),
            "encrypted-shares.bin": Seeds.selected(3, shares.serialized()),
            "share-delivery.bin": Seeds.selected(4, delivery.serialized()),
            "masked-input.bin": Seeds.selected(5, masked.serialized()),
            "unmask-request.bin": Seeds.selected(6, request.serialized()),
        ]
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    Seeds.writeIfAsked(SecAggSeeds.make)
    return 0
}
