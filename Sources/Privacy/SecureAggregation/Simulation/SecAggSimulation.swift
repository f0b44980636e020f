import Federation
import Foundation
import Learning

/// Runs one secure-aggregation round in process: every client and the coordinator, serially,
/// every message through its binary wire form (as a transport would carry it), with clients
/// dropping out at chosen stages. The same state machines a deployment drives; used by the
/// tests, `cohort bench secagg` and the simulator.
public enum SecAggSimulation {
    /// When a client disappears.
    public enum Dropout: Hashable, Sendable, Codable {
        /// Never answers the setup.
        case beforeAdvertising
        /// Advertised keys, then vanished.
        case afterAdvertising
        /// Sent its shares, then vanished (its masks must be removed: the costly case).
        case afterSharing
        /// Sent its masked input, then vanished before unmasking.
        case afterMasking
    }

    public struct Report: Sendable {
        public var sum: SecAggSum
        /// Each contributor's quantized update (kept only when asked), for exactness checks.
        public var quantized: [SiteID: QuantizedUpdate]
        /// The plain sum mod 2^32 of the quantized updates whose masked inputs the coordinator
        /// accepted (weights last), computed on the side, outside the timed work: the unmasked
        /// sum must equal it. Nil when a masked input was refused or rejected and the updates
        /// were not kept (it can then not be corrected).
        public var referenceSum: [UInt32]?
        public var roundSeconds: Double
        /// CPU time of the round on its thread: steadier than wall time on a busy machine.
        public var roundCPUSeconds: Double
        /// All clients' work together (serial), their (de)serialization included.
        public var clientSeconds: Double
        /// The coordinator's work, its (de)serialization included.
        public var serverSeconds: Double
        /// Bytes each client sent, all stages.
        public var uploadBytes: [SiteID: Int]
        /// Bytes each client sent as its masked input.
        public var maskedInputBytes: [SiteID: Int]
        /// Mask stream expanded by all clients together, and the time it took.
        public var clientMaskBytes: Int
        public var clientMaskSeconds: Double
        public var rejections: [SecAggRejection]
        /// Clients that refused a stage, with the reason.
        public var refusals: [SiteID: String]
    }

    public static func run(
        setup: SecAggSetup, inputs: [SiteID: SecAggInput], entropy: (SiteID) -> SecAggEntropy,
        dropouts: [SiteID: Dropout] = [:], keepQuantized: Bool = false
    ) throws(SecAggError) -> Report {
        var run = Run()
        return try run.execute(setup: setup, inputs: inputs, entropy: entropy, dropouts: dropouts, keepQuantized: keepQuantized)
    }

    /// The mutable bookkeeping of one simulated round.
    private struct Run {
        let clock = ContinuousClock()
        var clientTime = Duration.zero
        var serverTime = Duration.zero
        var upload: [SiteID: Int] = [:]
        var maskedBytes: [SiteID: Int] = [:]
        var refusals: [SiteID: String] = [:]

        mutating func execute(
            setup: SecAggSetup, inputs: [SiteID: SecAggInput], entropy: (SiteID) -> SecAggEntropy,
            dropouts: [SiteID: Dropout], keepQuantized: Bool
        ) throws(SecAggError) -> Report {
            let start = clock.now
            let startCPU = Self.threadCPUSeconds()
            var server = try timed(&serverTime) { () throws(SecAggError) in try SecAggServer(setup: setup) }
            let announcement = setup.serialized()
            var clients: [SiteID: SecAggClient] = [:]
            for site in setup.participants where dropouts[site] != .beforeAdvertising {
                do {
                    clients[site] = try timed(&clientTime) { () throws(SecAggError) in
                        try SecAggClient(site: site, setup: SecAggSetup(serialized: announcement), entropy: entropy(site))
                    }
                } catch { refusals[site] = error.description }
            }

            // Stage 1
            for site in setup.participants {
                guard clients[site] != nil else { continue }
                guard let bytes = clientStep(site, &clients, { (client: inout SecAggClient) throws(SecAggError) in try client.advertiseKeys().serialized() })
                else { continue }
                serverStep { server.receive(serialized: bytes, as: KeyAdvertisement.self, from: site) }
            }
            let rosters = try timed(&serverTime) { () throws(SecAggError) in try server.closeAdvertising().mapValues { $0.serialized() } }
            drop(.afterAdvertising, from: &clients, dropouts)

            // Stage 2
            for site in setup.participants {
                guard clients[site] != nil, let roster = rosters[site] else { continue }
                guard
                    let bytes = clientStep(
                        site, &clients,
                        { (client: inout SecAggClient) throws(SecAggError) in
                            try client.shareKeys(KeyRoster(serialized: roster)).serialized()
                        })
                else { continue }
                serverStep { server.receive(serialized: bytes, as: EncryptedShares.self, from: site) }
            }
            let deliveries = try timed(&serverTime) { () throws(SecAggError) in try server.closeSharing().mapValues { $0.serialized() } }
            drop(.afterSharing, from: &clients, dropouts)

            // Stage 3
            var quantized: [SiteID: QuantizedUpdate] = [:]
            var reference = [UInt32](repeating: 0, count: setup.parameterCount + 1)
            var referenceValid = true
            // The plain sum this round must reproduce is bookkeeping: timed, and taken out of the round's figures.
            var bookkeeping = Duration.zero
            for site in setup.participants {
                guard clients[site] != nil, let delivery = deliveries[site], let input = inputs[site] else { continue }
                var begin = clock.now
                let update: QuantizedUpdate
                do { update = try clients[site]!.quantize(input.update, sampleCount: input.sampleCount) } catch {
                    clientTime += clock.now - begin
                    refusals[site] = error.description
                    clients[site] = nil
                    continue
                }
                clientTime += clock.now - begin
                begin = clock.now
                if keepQuantized { quantized[site] = update }
                Self.add(update.values, to: &reference)
                bookkeeping += clock.now - begin
                begin = clock.now
                let bytes: [UInt8]
                do {
                    // Last use of `update`: the client masks its buffer in place (no copy).
                    bytes = try clients[site]!.maskInput(ShareDelivery(serialized: delivery), update: update).serialized()
                    clientTime += clock.now - begin
                } catch {
                    clientTime += clock.now - begin
                    referenceValid = referenceValid && keepQuantized
                    begin = clock.now
                    if let kept = quantized.removeValue(forKey: site) { Self.subtract(kept.values, from: &reference) }
                    bookkeeping += clock.now - begin
                    refusals[site] = error.description
                    clients[site] = nil
                    continue
                }
                upload[site, default: 0] += bytes.count
                maskedBytes[site] = bytes.count
                var rejection: SecAggRejection?
                serverStep {
                    rejection = server.receive(serialized: bytes, as: MaskedInput.self, from: site)
                    return rejection
                }
                if rejection != nil {
                    referenceValid = referenceValid && keepQuantized
                    let begin = clock.now
                    if let kept = quantized.removeValue(forKey: site) { Self.subtract(kept.values, from: &reference) }
                    bookkeeping += clock.now - begin
                }
            }
            let requests = try timed(&serverTime) { () throws(SecAggError) in try server.closeMasking().mapValues { $0.serialized() } }
            drop(.afterMasking, from: &clients, dropouts)

            // Stage 4
            for site in setup.participants {
                guard clients[site] != nil, let request = requests[site] else { continue }
                guard
                    let bytes = clientStep(
                        site, &clients,
                        { (client: inout SecAggClient) throws(SecAggError) in
                            try client.unmask(UnmaskRequest(serialized: request)).serialized()
                        })
                else { continue }
                serverStep { server.receive(serialized: bytes, as: UnmaskResponse.self, from: site) }
            }
            let sum = try timed(&serverTime) { () throws(SecAggError) in try server.finish() }
            let roundTime = clock.now - start - bookkeeping
            let roundCPU = Self.threadCPUSeconds() - startCPU - bookkeeping.inSeconds

            let statistics = clients.values.map(\.statistics)
            let contributors = Set(sum.contributors)
            return Report(
                sum: sum, quantized: quantized.filter { contributors.contains($0.key) }, referenceSum: referenceValid ? reference : nil,
                roundSeconds: roundTime.inSeconds, roundCPUSeconds: roundCPU, clientSeconds: clientTime.inSeconds, serverSeconds: serverTime.inSeconds,
                uploadBytes: upload, maskedInputBytes: maskedBytes,
                clientMaskBytes: statistics.reduce(0) { $0 + $1.maskBytes },
                clientMaskSeconds: statistics.reduce(0) { $0 + $1.maskSeconds },
                rejections: server.rejections, refusals: refusals)
        }

        /// One client's turn; a refusal takes it out of the round.
        private mutating func clientStep(
            _ site: SiteID, _ clients: inout [SiteID: SecAggClient],
            _ body: (inout SecAggClient) throws(SecAggError) -> [UInt8]
        ) -> [UInt8]? {
            let begin = clock.now
            defer { clientTime += clock.now - begin }
            do {
                let bytes = try body(&clients[site]!)
                upload[site, default: 0] += bytes.count
                return bytes
            } catch {
                refusals[site] = error.description
                clients[site] = nil
                return nil
            }
        }

        /// The coordinator decodes and takes one message (a rejection is logged by the server).
        private mutating func serverStep(_ body: () -> SecAggRejection?) {
            let begin = clock.now
            defer { serverTime += clock.now - begin }
            _ = body()
        }

        private static func threadCPUSeconds() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
        }

        private static func add(_ values: [UInt32], to sum: inout [UInt32]) {
            for j in sum.indices { sum[j] &+= values[j] }
        }

        private static func subtract(_ values: [UInt32], from sum: inout [UInt32]) {
            for j in sum.indices { sum[j] &-= values[j] }
        }

        private func drop(_ stage: Dropout, from clients: inout [SiteID: SecAggClient], _ dropouts: [SiteID: Dropout]) {
            for (site, when) in dropouts where when == stage { clients[site] = nil }
        }

        private func timed<T>(_ total: inout Duration, _ body: () throws(SecAggError) -> T) throws(SecAggError) -> T {
            let begin = clock.now
            defer { total += clock.now - begin }
            return try body()
        }
    }
}
