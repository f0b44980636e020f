import Crypto
import Federation
import Foundation
import Learning

/// One site's side of one secure-aggregation round (SecAgg+, Bell et al. CCS 2020, on the
/// protocol of Bonawitz et al. CCS 2017, semi-honest model): a state machine that turns the
/// coordinator's stage messages into its answers and refuses anything out of order, replayed,
/// foreign or unsafe.
///
///     var client = try SecAggClient(site: me, setup: setup, entropy: .system())
///     let advertisement = try client.advertiseKeys()                    // -> coordinator
///     let shares = try client.shareKeys(roster)                          // roster <- coordinator
///     let update = try client.quantize(delta, sampleCount: n)
///     let masked = try client.maskInput(delivery, update: update)        // delivery <- coordinator
///     let response = try client.unmask(request)                         // request <- coordinator
///
/// Once a call throws, the client has refused and every later call throws too: to the
/// coordinator it has dropped out, which the protocol tolerates up to the threshold.
public struct SecAggClient: Sendable {
    public let site: SiteID
    public let setup: SecAggSetup
    /// This client's participant index (1-based), its Shamir evaluation point.
    public let index: UInt32
    private let neighbours: Set<UInt32>
    private var stage = Stage.created
    private let encryptionKey: Curve25519.KeyAgreement.PrivateKey
    private let maskingKey: Curve25519.KeyAgreement.PrivateKey
    /// b_u, the seed of the self mask.
    private let selfMaskSeed: [UInt8]
    private var sharingRandomness: KeystreamGenerator
    private var roundingRandomness: KeystreamGenerator
    /// The neighbours that advertised keys, by index.
    private var roster: [UInt32: PeerKeys] = [:]
    private var channelKeys: [UInt32: SymmetricKey] = [:]
    /// Shares received from neighbours whose shares the coordinator accepted (U2).
    private var heldShares: [UInt32: SharePlaintext] = [:]
    public private(set) var statistics = SecAggClientStatistics()

    private enum Stage: Equatable {
        case created, advertised, shared, masked, finished
        case refused(String)
    }

    /// Checks the setup (bounds, threshold, membership) and draws the round's keys and seed
    /// from `entropy`, which must be `.system()` outside tests.
    public init(site: SiteID, setup: SecAggSetup, entropy: SecAggEntropy) throws(SecAggError) {
        let graph = try setup.validatedGraph()
        guard let index = setup.index(of: site) else {
            throw .refused("\(site) is not a participant of \(setup.round)")
        }
        self.site = site
        self.setup = setup
        self.index = index
        neighbours = Set(graph.neighbours(of: Int(index) - 1).map { UInt32($0 + 1) })
        var keyRandomness = entropy.generator(for: "key-pairs", round: setup.round, participant: index)
        do {
            encryptionKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: keyRandomness.bytes32())
            maskingKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: keyRandomness.bytes32())
        } catch {
            throw .configuration("cannot create X25519 keys: \(error)")
        }
        var seedRandomness = entropy.generator(for: "self-mask-seed", round: setup.round, participant: index)
        selfMaskSeed = seedRandomness.bytes32()
        sharingRandomness = entropy.generator(for: "shamir-coefficients", round: setup.round, participant: index)
        roundingRandomness = entropy.generator(for: "stochastic-rounding", round: setup.round, participant: index)
    }

    /// Stage 1: the two public keys.
    public mutating func advertiseKeys() throws(SecAggError) -> KeyAdvertisement {
        try expect(.created, doing: "advertise keys")
        stage = .advertised
        return KeyAdvertisement(
            header: header(.advertiseKeys),
            encryptionKey: Array(encryptionKey.publicKey.rawRepresentation),
            maskingKey: Array(maskingKey.publicKey.rawRepresentation))
    }

    /// Stage 2: t-of-k shares of the self-mask seed and of the mask private key, one pair per
    /// neighbour in the roster, each encrypted under the pairwise channel key.
    public mutating func shareKeys(_ roster: KeyRoster) throws(SecAggError) -> EncryptedShares {
        try expect(.advertised, doing: "share keys")
        do {
            try check(roster.header, .shareKeys)
            var peers: [UInt32: PeerKeys] = [:]
            var seenKeys: Set<[UInt8]> = [Array(encryptionKey.publicKey.rawRepresentation), Array(maskingKey.publicKey.rawRepresentation)]
            for peer in roster.peers {
                guard neighbours.contains(peer.participant) else {
                    throw SecAggError.refused("the roster lists participant \(peer.participant), who is not my neighbour")
                }
                guard peers[peer.participant] == nil else { throw SecAggError.refused("the roster lists participant \(peer.participant) twice") }
                if let problem = peer.problem { throw SecAggError.refused("participant \(peer.participant)'s keys: \(problem)") }
                guard seenKeys.insert(peer.encryptionKey).inserted, seenKeys.insert(peer.maskingKey).inserted else {
                    throw SecAggError.refused("participant \(peer.participant) advertised a key that another participant uses")
                }
                peers[peer.participant] = peer
            }
            guard peers.count >= setup.threshold else {
                throw SecAggError.refused("only \(peers.count) of my neighbours advertised keys; \(setup.threshold) are needed to hold my shares")
            }
            let points = peers.keys.sorted()
            let seedShares = ShamirSharing.split(selfMaskSeed, threshold: setup.threshold, points: points, using: &sharingRandomness)
            let keyShares = ShamirSharing.split(
                Array(maskingKey.rawRepresentation), threshold: setup.threshold, points: points,
                using: &sharingRandomness)
            var ciphertexts: [AddressedCiphertext] = []
            ciphertexts.reserveCapacity(points.count)
            for (position, point) in points.enumerated() {
                let channel = try SecAggKeys.shareEncryptionKey(
                    own: encryptionKey, ownIndex: index,
                    peer: try peers[point]!.encryptionPublicKey(), peerIndex: point,
                    round: setup.round)
                channelKeys[point] = channel
                let plaintext = SharePlaintext(sender: index, recipient: point, seedShare: seedShares[position], keyShare: keyShares[position])
                ciphertexts.append(AddressedCiphertext(peer: point, ciphertext: plaintext.sealed(with: channel, round: setup.round)))
            }
            self.roster = peers
            stage = .shared
            return EncryptedShares(
                header: header(.shareKeys),
                seedCommitment: SecAggKeys.seedCommitment(seed: selfMaskSeed, owner: index, round: setup.round),
                shares: ciphertexts)
        } catch {
            throw refuse(error)
        }
    }

    /// Quantizes this client's update (clip, weight, stochastic rounding with its own secret
    /// randomness). Kept separate from masking so that callers and tests can see exactly which
    /// integers went into the sum.
    public mutating func quantize(_ update: [Float], sampleCount: Int) throws(SecAggError) -> QuantizedUpdate {
        guard update.count == setup.parameterCount else {
            throw .refused("the update has \(update.count) values, the round expects \(setup.parameterCount)")
        }
        return try setup.quantization.quantize(update, sampleCount: sampleCount, using: &roundingRandomness)
    }

    /// Stage 3: y = x + PRG(b) + sum over delivered neighbours v of +-PRG(s_uv), mod 2^32
    /// (+ when this client's index is the larger).
    /// The update is consumed: when the caller keeps no other copy, it is masked in place.
    public mutating func maskInput(_ delivery: ShareDelivery, update: consuming QuantizedUpdate) throws(SecAggError) -> MaskedInput {
        try expect(.shared, doing: "mask its input")
        do {
            try check(delivery.header, .maskedInput)
            try checkQuantized(update)
            var received: [UInt32: SharePlaintext] = [:]
            for item in delivery.shares {
                guard let channel = channelKeys[item.peer] else {
                    throw SecAggError.refused("delivered a share from participant \(item.peer), who is not in my roster")
                }
                guard received[item.peer] == nil else { throw SecAggError.refused("delivered two shares from participant \(item.peer)") }
                received[item.peer] = try SharePlaintext.open(item.ciphertext, with: channel, round: setup.round, sender: item.peer, recipient: index)
            }
            guard received.count >= setup.threshold else {
                throw SecAggError.refused("only \(received.count) neighbours are still in the round; \(setup.threshold) are needed to recover my masks")
            }
            var values: [UInt32] = []
            swap(&values, &update.values)
            let clock = ContinuousClock()
            var agreementTime = Duration.zero
            let start = clock.now
            MaskExpander.apply(key: SecAggKeys.selfMaskKey(seed: selfMaskSeed, owner: index, round: setup.round), .add, to: &values)
            for peer in received.keys.sorted() {
                let agreementStart = clock.now
                let key = try SecAggKeys.pairwiseMaskKey(
                    own: maskingKey, ownIndex: index,
                    peer: try roster[peer]!.maskingPublicKey(), peerIndex: peer, round: setup.round)
                agreementTime += clock.now - agreementStart
                MaskExpander.apply(key: key, index > peer ? .add : .subtract, to: &values)
            }
            let elapsed = clock.now - start - agreementTime
            statistics.maskBytes += 4 * values.count * (received.count + 1)
            statistics.maskSeconds += elapsed.inSeconds
            heldShares = received
            stage = .masked
            return MaskedInput(header: header(.maskedInput), values: values)
        } catch {
            throw refuse(error)
        }
    }

    /// Stage 4: seed shares of surviving neighbours, key shares of dropped ones. Refuses, and
    /// reveals nothing, if a peer is named in both lists (the attack of a coordinator that
    /// lies about who dropped: with both shares it could unmask that peer alone), if the lists
    /// are not exactly the neighbours whose shares it holds, if fewer than t neighbours
    /// survived, or if it already answered.
    public mutating func unmask(_ request: UnmaskRequest) throws(SecAggError) -> UnmaskResponse {
        try expect(.masked, doing: "reveal shares")
        do {
            try check(request.header, .unmask)
            let survivors = Set(request.survivors)
            let dropped = Set(request.dropped)
            guard survivors.count == request.survivors.count, dropped.count == request.dropped.count else {
                throw SecAggError.refused("the unmask request names a peer twice")
            }
            if let both = survivors.intersection(dropped).min() {
                throw SecAggError.refused(
                    "the coordinator asked for both the self-mask share and the mask-key share of participant \(both) (listed as survived and dropped); revealing both would unmask its input"
                )
            }
            let asked = survivors.union(dropped)
            if let stranger = asked.subtracting(heldShares.keys).min() {
                throw SecAggError.refused("the unmask request names participant \(stranger), whose shares I do not hold")
            }
            if let missing = Set(heldShares.keys).subtracting(asked).min() {
                throw SecAggError.refused("the unmask request does not say whether participant \(missing) survived")
            }
            guard survivors.count >= setup.threshold else {
                throw SecAggError.refused(
                    "only \(survivors.count) of my neighbours survived; fewer than the threshold \(setup.threshold), so the round cannot be unmasked")
            }
            stage = .finished
            return UnmaskResponse(
                header: header(.unmask),
                seedShares: request.survivors.sorted().map { OwnedShare(owner: $0, share: heldShares[$0]!.seedShare) },
                keyShares: request.dropped.sorted().map { OwnedShare(owner: $0, share: heldShares[$0]!.keyShare) })
        } catch {
            throw refuse(error)
        }
    }

    // MARK: - Checks

    private func header(_ stage: SecAggStage) -> SecAggHeader {
        SecAggHeader(round: setup.round, stage: stage, participant: index)
    }

    private func expect(_ expected: Stage, doing action: String) throws(SecAggError) {
        if case .refused(let reason) = stage { throw .refused("already refused this round (\(reason))") }
        guard stage == expected else {
            throw .refused("asked to \(action) out of order (replayed or repeated stage message)")
        }
    }

    private func check(_ header: SecAggHeader, _ stage: SecAggStage) throws(SecAggError) {
        if let problem = header.mismatch(round: setup.round, stage: stage, participant: index) { throw .refused(problem) }
    }

    /// The overflow bound holds only if every client stays within the levels and the weight
    /// cap: a vector not made by this round's quantizer is checked word by word.
    private func checkQuantized(_ update: QuantizedUpdate) throws(SecAggError) {
        guard update.values.count == setup.parameterCount + 1 else {
            throw .refused("the quantized update has \(update.values.count) words, the round expects \(setup.parameterCount + 1)")
        }
        if update.scheme != setup.quantization {
            let levels = Int32(clamping: setup.quantization.levels)
            var inRange = true
            for j in 0..<setup.parameterCount {
                let value = Int32(bitPattern: update.values[j])
                inRange = inRange && value >= -levels && value <= levels
            }
            guard inRange else { throw .refused("the quantized update exceeds +-\(levels) levels; the sum could overflow") }
        }
        let weight = Int(update.weight)
        guard weight >= 1, weight <= setup.quantization.weighting.cap else {
            throw .refused("weight \(weight) outside 1...\(setup.quantization.weighting.cap)")
        }
    }

    /// Records a refusal: the client is out of the round from now on.
    private mutating func refuse(_ error: any Error) -> SecAggError {
        let failure = error as? SecAggError ?? .refused(String(describing: error))
        stage = .refused(failure.description)
        return failure
    }
}
