import Crypto
import Federation

/// The coordinator's side of one secure-aggregation round: it relays keys and encrypted
/// shares, sums masked inputs as they arrive (one running vector, never one per client),
/// asks survivors for the shares that remove the masks, and reveals only the sum.
///
///     var server = try SecAggServer(setup: setup)           // broadcast `setup`
///     server.receive(advertisement, from: site)             // for each answer
///     let rosters = try server.closeAdvertising()           // send rosters[site]
///     server.receive(shares, from: site)
///     let deliveries = try server.closeSharing()            // send deliveries[site]
///     server.receive(maskedInput, from: site)
///     let requests = try server.closeMasking()              // send requests[site]
///     server.receive(response, from: site)
///     let sum = try server.finish()
///
/// `receive` checks the message against the stage, the round and the authenticated sender
/// (the transport's identity, never a message field) and returns the rejection, also kept in
/// `rejections`, when it refuses it: the sender then counts as dropped. A `close...` call
/// ends a stage (the caller decides when: all answered, or a deadline); it throws
/// `SecAggError.aborted` when the round can no longer finish, before anything is
/// reconstructed, so an aborted round reveals nothing.
public struct SecAggServer: Sendable {
    public let setup: SecAggSetup
    private let graph: NeighbourGraph
    public private(set) var phase = Phase.advertising
    public private(set) var rejections: [SecAggRejection] = []

    /// U1: advertised keys by participant.
    private var advertised: [UInt32: PeerKeys] = [:]
    private var advertisedKeys: Set<[UInt8]> = []
    /// The peers listed in each client's roster (its advertised neighbours).
    private var rosters: [UInt32: [UInt32]] = [:]
    /// U2: accepted share messages.
    private var shared: [UInt32: EncryptedShares] = [:]
    /// U3 and the running sum of their masked inputs.
    private var masked: Set<UInt32> = []
    private var maskedSum: [UInt32] = []
    private var requests: [UInt32: UnmaskRequest] = [:]
    private var responses: [UInt32: UnmaskResponse] = [:]

    public enum Phase: Hashable, Sendable {
        case advertising, sharing, masking, unmasking, finished
        case aborted(String)
    }

    /// The fewest masked inputs the server unmasks a sum of: the study's minimum of sites a
    /// round needs (and never fewer than 2). A round below it is void anyway, so revealing
    /// the sum of fewer updates would give away more than the study allows for nothing.
    public let minimumContributors: Int

    /// Validates the setup: distinct participants, threshold a majority of every neighbourhood,
    /// and quantization whose sum over all participants cannot overflow 2^32.
    public init(setup: SecAggSetup, minimumContributors: Int = 2) throws(SecAggError) {
        graph = try setup.validatedGraph()
        self.setup = setup
        self.minimumContributors = max(2, minimumContributors)
    }

    /// The ciphertext of one share pair: GCM nonce, 8 bytes of indices, two shares, tag.
    private static let ciphertextByteCount = 12 + 8 + 2 * ShamirShare.encodedByteCount + 16

    // MARK: - Stage 1: advertise keys

    @discardableResult
    public mutating func receive(_ message: KeyAdvertisement, from site: SiteID) -> SecAggRejection? {
        let stage = SecAggStage.advertiseKeys
        guard phase == .advertising else { return reject(site, stage, "the advertise-keys stage is closed") }
        guard let sender = sender(site, message.header, stage) else { return lastRejection }
        guard advertised[sender] == nil else { return reject(site, stage, "keys already advertised this round (replayed message)") }
        if let problem = message.keys.problem { return reject(site, stage, problem) }
        guard message.keys.participant == sender else { return reject(site, stage, "the keys name participant \(message.keys.participant)") }
        guard !advertisedKeys.contains(message.keys.encryptionKey), !advertisedKeys.contains(message.keys.maskingKey) else {
            return reject(site, stage, "a public key already advertised by another participant")
        }
        advertisedKeys.insert(message.keys.encryptionKey)
        advertisedKeys.insert(message.keys.maskingKey)
        advertised[sender] = message.keys
        return nil
    }

    /// Ends stage 1: each advertiser gets its advertised neighbours' keys. Aborts if any of
    /// them has fewer than t advertised neighbours (its shares could never be recovered).
    public mutating func closeAdvertising() throws(SecAggError) -> [SiteID: KeyRoster] {
        try expectPhase(.advertising, "close the advertise-keys stage")
        var result: [SiteID: KeyRoster] = [:]
        for participant in advertised.keys.sorted() {
            let peers = neighbours(of: participant).filter { advertised[$0] != nil }
            guard peers.count >= setup.threshold else {
                throw abort("\(name(participant)) has \(peers.count) neighbours with keys, fewer than the threshold \(setup.threshold)")
            }
            rosters[participant] = peers
            result[name(participant)] = KeyRoster(header: header(.shareKeys, participant), peers: peers.map { advertised[$0]! })
        }
        guard !result.isEmpty else { throw abort("no participant advertised keys") }
        phase = .sharing
        return result
    }

    // MARK: - Stage 2: share keys

    @discardableResult
    public mutating func receive(_ message: EncryptedShares, from site: SiteID) -> SecAggRejection? {
        let stage = SecAggStage.shareKeys
        guard phase == .sharing else { return reject(site, stage, "the share-keys stage is closed") }
        guard let sender = sender(site, message.header, stage) else { return lastRejection }
        guard let roster = rosters[sender] else { return reject(site, stage, "it did not advertise keys this round") }
        guard shared[sender] == nil else { return reject(site, stage, "shares already sent this round (replayed message)") }
        guard message.seedCommitment.count == 32 else { return reject(site, stage, "the seed commitment is \(message.seedCommitment.count) bytes, not 32") }
        let expected = Set(roster)
        var seen: Set<UInt32> = []
        for share in message.shares {
            guard expected.contains(share.peer) else {
                return reject(site, stage, "a share addressed to participant \(share.peer), who is not among its neighbours with keys")
            }
            guard seen.insert(share.peer).inserted else { return reject(site, stage, "two shares addressed to participant \(share.peer)") }
            guard share.ciphertext.count == Self.ciphertextByteCount else {
                return reject(site, stage, "the share for participant \(share.peer) is \(share.ciphertext.count) bytes, not \(Self.ciphertextByteCount)")
            }
        }
        if let missing = expected.subtracting(seen).min() {
            return reject(site, stage, "no share for its neighbour \(name(missing))")
        }
        shared[sender] = message
        return nil
    }

    /// Ends stage 2: each client that shared gets the shares its neighbours that shared sent
    /// it. Aborts if a client's secrets are held by fewer than t clients still in the round.
    public mutating func closeSharing() throws(SecAggError) -> [SiteID: ShareDelivery] {
        try expectPhase(.sharing, "close the share-keys stage")
        var result: [SiteID: ShareDelivery] = [:]
        for recipient in shared.keys.sorted() {
            let senders = neighbours(of: recipient).filter { shared[$0] != nil }
            guard senders.count >= setup.threshold else {
                throw abort(
                    "the shares of \(name(recipient)) are held by \(senders.count) clients still in the round, fewer than the threshold \(setup.threshold)")
            }
            let items = senders.map { sender in
                AddressedCiphertext(peer: sender, ciphertext: shared[sender]!.shares.first { $0.peer == recipient }!.ciphertext)
            }
            result[name(recipient)] = ShareDelivery(header: header(.maskedInput, recipient), shares: items)
        }
        guard !result.isEmpty else { throw abort("no participant shared keys") }
        maskedSum = [UInt32](repeating: 0, count: setup.parameterCount + 1)
        phase = .masking
        return result
    }

    // MARK: - Stage 3: masked input

    /// Adds the masked vector into the running sum at once; only the sum is kept.
    @discardableResult
    public mutating func receive(_ message: MaskedInput, from site: SiteID) -> SecAggRejection? {
        let stage = SecAggStage.maskedInput
        guard phase == .masking else { return reject(site, stage, "the masked-input stage is closed") }
        guard let sender = sender(site, message.header, stage) else { return lastRejection }
        guard shared[sender] != nil else { return reject(site, stage, "its shares were not accepted, so its masks could not be removed") }
        guard !masked.contains(sender) else { return reject(site, stage, "masked input already sent this round (replayed message)") }
        guard message.values.count == setup.parameterCount + 1 else {
            return reject(site, stage, "a vector of \(message.values.count) values, expected \(setup.parameterCount + 1)")
        }
        maskedSum.withUnsafeMutableBufferPointer { sum in
            message.values.withUnsafeBufferPointer { values in
                for j in 0..<sum.count { sum[j] &+= values[j] }
            }
        }
        masked.insert(sender)
        return nil
    }

    /// Ends stage 3: each client that sent a masked input is asked for its shares of its
    /// surviving and of its dropped neighbours. Aborts, having asked nothing, if some
    /// survivor's seed or some dropped client's key has fewer than t surviving holders.
    public mutating func closeMasking() throws(SecAggError) -> [SiteID: UnmaskRequest] {
        try expectPhase(.masking, "close the masked-input stage")
        guard masked.count >= minimumContributors else {
            throw abort(
                masked.count < 2
                    ? "only \(masked.count) masked input arrived; a sum of fewer than 2 would reveal an update"
                    : "only \(masked.count) masked inputs arrived, fewer than the \(minimumContributors) the round needs; nothing was revealed")
        }
        for owner in shared.keys.sorted() {
            let holders = neighbours(of: owner).filter { masked.contains($0) }.count
            guard holders >= setup.threshold else {
                let secret = masked.contains(owner) ? "self-mask seed" : "mask key"
                throw abort(
                    "the \(secret) of \(name(owner)) has \(holders) surviving holders, fewer than the threshold \(setup.threshold); nothing was revealed")
            }
        }
        var result: [SiteID: UnmaskRequest] = [:]
        for participant in masked.sorted() {
            let around = neighbours(of: participant).filter { shared[$0] != nil }
            let request = UnmaskRequest(
                header: header(.unmask, participant),
                survivors: around.filter { masked.contains($0) },
                dropped: around.filter { !masked.contains($0) })
            requests[participant] = request
            result[name(participant)] = request
        }
        phase = .unmasking
        return result
    }

    // MARK: - Stage 4: unmask

    @discardableResult
    public mutating func receive(_ message: UnmaskResponse, from site: SiteID) -> SecAggRejection? {
        let stage = SecAggStage.unmask
        guard phase == .unmasking else { return reject(site, stage, "the unmask stage is closed") }
        guard let sender = sender(site, message.header, stage) else { return lastRejection }
        guard let request = requests[sender] else { return reject(site, stage, "it was not asked to unmask") }
        guard responses[sender] == nil else { return reject(site, stage, "shares already revealed this round (replayed message)") }
        for (list, asked, kind) in [(message.seedShares, request.survivors, "seed"), (message.keyShares, request.dropped, "key")] {
            let owners = list.map(\.owner)
            guard Set(owners).count == owners.count else { return reject(site, stage, "two \(kind) shares of one owner") }
            if let stranger = Set(owners).subtracting(asked).min() {
                return reject(site, stage, "a \(kind) share of participant \(stranger), which was not asked for (not its neighbour, or not in that list)")
            }
            if let bad = list.first(where: { !$0.share.isWellFormed || $0.share.x != sender }) {
                return reject(site, stage, "the \(kind) share of participant \(bad.owner) is malformed or not at its point \(sender)")
            }
        }
        responses[sender] = message
        return nil
    }

    /// Ends the round: checks that every needed secret has t shares, then reconstructs the
    /// survivors' seeds and the dropped clients' mask keys, verifies each against its
    /// commitment or public key, removes the masks and returns the sum.
    public mutating func finish() throws(SecAggError) -> SecAggSum {
        try expectPhase(.unmasking, "finish")
        var seedShares: [UInt32: [ShamirShare]] = [:]
        var keyShares: [UInt32: [ShamirShare]] = [:]
        for response in responses.values {
            for item in response.seedShares { seedShares[item.owner, default: []].append(item.share) }
            for item in response.keyShares { keyShares[item.owner, default: []].append(item.share) }
        }
        let survivors = masked.sorted()
        let droppedClients = shared.keys.filter { !masked.contains($0) }.sorted()
        // Every check before any reconstruction: an aborted round reconstructs nothing.
        for owner in survivors where seedShares[owner, default: []].count < setup.threshold {
            throw abort(
                "\(seedShares[owner, default: []].count) shares of the self-mask seed of \(name(owner)) arrived, fewer than the threshold \(setup.threshold); nothing was reconstructed"
            )
        }
        for owner in droppedClients where keyShares[owner, default: []].count < setup.threshold {
            throw abort(
                "\(keyShares[owner, default: []].count) shares of the mask key of dropped \(name(owner)) arrived, fewer than the threshold \(setup.threshold); nothing was reconstructed"
            )
        }

        var sum = maskedSum
        maskedSum = []
        for owner in survivors {
            let seed: [UInt8]
            do { seed = try ShamirSharing.reconstruct(seedShares[owner]!, threshold: setup.threshold) } catch {
                throw abort("the self-mask seed of \(name(owner)) cannot be reconstructed: \(error)")
            }
            guard SecAggKeys.seedCommitment(seed: seed, owner: owner, round: setup.round) == shared[owner]!.seedCommitment else {
                throw abort("the reconstructed self-mask seed of \(name(owner)) does not match its commitment (inconsistent shares)")
            }
            MaskExpander.apply(key: SecAggKeys.selfMaskKey(seed: seed, owner: owner, round: setup.round), .subtract, to: &sum)
        }
        for owner in droppedClients {
            let privateKey: Curve25519.KeyAgreement.PrivateKey
            do {
                let raw = try ShamirSharing.reconstruct(keyShares[owner]!, threshold: setup.threshold)
                privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
            } catch {
                throw abort("the mask key of dropped \(name(owner)) cannot be reconstructed: \(error)")
            }
            guard Array(privateKey.publicKey.rawRepresentation) == advertised[owner]!.maskingKey else {
                throw abort("the reconstructed mask key of \(name(owner)) does not match its advertised public key (inconsistent shares)")
            }
            // Each survivor v that masked with the dropped client u added +PRG(s_uv) if v > u,
            // -PRG(s_uv) otherwise; undo exactly that.
            for survivor in neighbours(of: owner) where masked.contains(survivor) {
                let key: SymmetricKey
                do {
                    key = try SecAggKeys.pairwiseMaskKey(
                        own: privateKey, ownIndex: owner, peer: try advertised[survivor]!.maskingPublicKey(),
                        peerIndex: survivor, round: setup.round)
                } catch {
                    throw abort("the pairwise mask of \(name(owner)) and \(name(survivor)) cannot be recomputed: \(error)")
                }
                MaskExpander.apply(key: key, survivor > owner ? .subtract : .add, to: &sum)
            }
        }
        let totalWeight = sum.removeLast()
        phase = .finished
        return SecAggSum(
            round: setup.round, values: sum, totalWeight: totalWeight,
            contributors: survivors.map(name), dropped: droppedClients.map(name), quantization: setup.quantization)
    }

    // MARK: - Bytes from the transport

    /// Decodes a client message of type `Message` and takes it as `receive` does; bytes that do
    /// not decode are rejected with the decoder's reason.
    @discardableResult
    public mutating func receive<Message: SecAggWireMessage>(
        serialized bytes: [UInt8], as type: Message.Type,
        from site: SiteID
    ) -> SecAggRejection? {
        let stage: SecAggStage
        switch type {
        case is KeyAdvertisement.Type: stage = .advertiseKeys
        case is EncryptedShares.Type: stage = .shareKeys
        case is MaskedInput.Type: stage = .maskedInput
        case is UnmaskResponse.Type: stage = .unmask
        default: return reject(site, .setup, "\(type) is not a client message")
        }
        let message: Message
        do { message = try Message(serialized: bytes) } catch { return reject(site, stage, error.description) }
        switch message {
        case let advertisement as KeyAdvertisement: return receive(advertisement, from: site)
        case let shares as EncryptedShares: return receive(shares, from: site)
        case let input as MaskedInput: return receive(input, from: site)
        case let response as UnmaskResponse: return receive(response, from: site)
        default: return reject(site, stage, "\(type) is not a client message")
        }
    }

    // MARK: - Helpers

    /// Abandons the round; later calls fail.
    public mutating func abort(_ reason: String) -> SecAggError {
        if case .aborted(let earlier) = phase { return .aborted(earlier) }
        phase = .aborted(reason)
        maskedSum = []
        return .aborted(reason)
    }

    private var lastRejection: SecAggRejection? { rejections.last }

    @discardableResult
    private mutating func reject(_ site: SiteID, _ stage: SecAggStage, _ reason: String) -> SecAggRejection {
        let rejection = SecAggRejection(site: site, stage: stage, reason: reason)
        rejections.append(rejection)
        return rejection
    }

    /// The authenticated sender's index, once the header matches it, the round and the stage.
    private mutating func sender(_ site: SiteID, _ header: SecAggHeader, _ stage: SecAggStage) -> UInt32? {
        guard let index = setup.index(of: site) else {
            reject(site, stage, "\(site) is not a participant of \(setup.round)")
            return nil
        }
        if let problem = header.mismatch(round: setup.round, stage: stage, participant: index) {
            reject(site, stage, problem)
            return nil
        }
        return index
    }

    private func expectPhase(_ expected: Phase, _ action: String) throws(SecAggError) {
        if case .aborted(let reason) = phase { throw .aborted(reason) }
        guard phase == expected else { throw .configuration("cannot \(action) in phase \(phase)") }
    }

    private func neighbours(of participant: UInt32) -> [UInt32] {
        graph.neighbours(of: Int(participant) - 1).map { UInt32($0 + 1) }
    }

    private func name(_ participant: UInt32) -> SiteID { setup.participants[Int(participant) - 1] }

    private func header(_ stage: SecAggStage, _ participant: UInt32) -> SecAggHeader {
        SecAggHeader(round: setup.round, stage: stage, participant: participant)
    }
}
