import Federation
import Foundation
import Learning
import Testing

@testable import Transport

@Suite("Wire format")
struct WireTests {
    static func values(_ count: Int, seed: UInt64 = 3) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(generator.nextGaussian()) }
    }

    @Test("the checksum does not depend on how the values are cut into chunks")
    func checksumIsChunkInvariant() {
        let values = Self.values(10_007)
        let whole = ValuesChecksum.of([values])
        for cut in [1, 3, 8, 13, 1_000, 4_096] {
            var checksum = ValuesChecksum()
            var start = 0
            while start < values.count {
                let end = min(values.count, start + cut)
                values[start..<end].withUnsafeBytes { checksum.update($0) }
                start = end
            }
            #expect(checksum.finish() == whole, "cut \(cut)")
        }
        // Two vectors in a row are the concatenation.
        #expect(ValuesChecksum.of([Array(values[..<5_001]), Array(values[5_001...])]) == whole)
    }

    @Test("the checksum sees a changed, swapped, lost or repeated value")
    func checksumDetectsChanges() {
        let values = Self.values(4_096)
        let original = ValuesChecksum.of([values])
        var changed = values
        changed[100] = changed[100].nextUp
        #expect(ValuesChecksum.of([changed]) != original)
        var swapped = values
        swapped.swapAt(7, 15)
        #expect(ValuesChecksum.of([swapped]) != original)
        var moved = values
        moved.swapAt(0, 8)  // same lane, different position
        #expect(ValuesChecksum.of([moved]) != original)
        #expect(ValuesChecksum.of([Array(values.dropLast())]) != original)
        #expect(ValuesChecksum.of([values + [values.last!]]) != original)
    }

    /// The wire chunks of `values`.
    static func chunks(_ values: [Float], kind: VectorKind, chunkBytes: Int) async throws -> [(VectorKind, Int, Data)] {
        var result: [(VectorKind, Int, Data)] = []
        try await VectorChunks.send([TaskVector(kind: kind, values: values)], chunkBytes: chunkBytes) { chunk in
            result.append((chunk.vectorName!, Int(chunk.offset), chunk.values))
        }
        return result
    }

    @Test("vectors are reassembled bit for bit from their chunks")
    func reassembly() async throws {
        let delta = Self.values(5_000)
        let mask = (0..<5_000).map { Float($0 % 2) }
        var assembler = VectorAssembler(expecting: [.init(kind: .delta, count: 5_000), .init(kind: .mask, count: 5_000)], maxChunkBytes: 4_096)
        for (kind, offset, bytes) in try await Self.chunks(delta, kind: .delta, chunkBytes: 4_096) + Self.chunks(mask, kind: .mask, chunkBytes: 4_096) {
            try assembler.add(kind: kind, offset: offset, bytes: bytes)
        }
        let vectors = try assembler.finish(checksum: ValuesChecksum.of([delta, mask]))
        #expect(vectors[.delta]!.map(\.bitPattern) == delta.map(\.bitPattern))
        #expect(vectors[.mask] == mask)
        #expect(assembler.notBinary.isEmpty)
    }

    @Test("out of order, oversized, over the chunk limit, incomplete or corrupted transfers are refused")
    func refusals() async throws {
        let values = Self.values(3_000)
        let chunks = try await Self.chunks(values, kind: .delta, chunkBytes: 4_000)
        func fresh() -> VectorAssembler { VectorAssembler(expecting: [.init(kind: .delta, count: 3_000)], maxChunkBytes: 4_000) }

        var outOfOrder = fresh()
        #expect(throws: AnswerRefusal.self) { try outOfOrder.add(kind: .delta, offset: chunks[1].1, bytes: chunks[1].2) }
        var tooBig = fresh()
        #expect(throws: AnswerRefusal.self) { try tooBig.add(kind: .delta, offset: 0, bytes: Data(count: 8_000)) }
        var tooMany = fresh()
        for chunk in chunks { try tooMany.add(kind: .delta, offset: chunk.1, bytes: chunk.2) }
        #expect(throws: AnswerRefusal.self) { try tooMany.add(kind: .delta, offset: 3_000, bytes: Data(count: 4)) }
        var incomplete = fresh()
        try incomplete.add(kind: .delta, offset: 0, bytes: chunks[0].2)
        #expect(throws: AnswerRefusal.self) { try incomplete.finish(checksum: ValuesChecksum.of([values])) }
        var corrupted = fresh()
        for chunk in chunks { try corrupted.add(kind: .delta, offset: chunk.1, bytes: chunk.2) }
        #expect(throws: AnswerRefusal.self) { try corrupted.finish(checksum: ValuesChecksum.of([values]) &+ 1) }
        var wrongKind = fresh()
        #expect(throws: AnswerRefusal.self) { try wrongKind.add(kind: .mask, offset: 0, bytes: chunks[0].2) }
    }

    @Test("non-finite values and non-binary masks are noticed while receiving")
    func inspection() throws {
        var values = Self.values(100)
        values[42] = .infinity
        var assembler = VectorAssembler(expecting: [.init(kind: .delta, count: 100), .init(kind: .mask, count: 2, binary: true)], maxChunkBytes: 1 << 20)
        try values.withUnsafeBufferPointer { try assembler.add(kind: .delta, offset: 0, bytes: VectorBytes.encode($0, 0..<100)) }
        let mask: [Float] = [1, 0.5]
        try mask.withUnsafeBufferPointer { try assembler.add(kind: .mask, offset: 0, bytes: VectorBytes.encode($0, 0..<2)) }
        #expect(assembler.firstNonFinite[.delta] == 42)
        #expect(assembler.notBinary[.mask] == 1)
    }

    @Test("a spooled update reads back what was written")
    func spool() throws {
        let values = Self.values(70_000)
        var assembler = VectorAssembler(expecting: [.init(kind: .delta, count: 70_000)], maxChunkBytes: 1 << 20, spool: try UpdateSpool())
        try values.withUnsafeBufferPointer { buffer in
            try assembler.add(kind: .delta, offset: 0, bytes: VectorBytes.encode(buffer, 0..<40_000))
            try assembler.add(kind: .delta, offset: 40_000, bytes: VectorBytes.encode(buffer, 40_000..<70_000))
        }
        let assembled = try assembler.complete(checksum: ValuesChecksum.of([values]))
        #expect(assembled.isSpooled)
        let received = ReceivedUpdate(
            header: SiteUpdate(
                study: "s", site: "a", round: 1, delta: [], sampleCount: 1,
                training: TrainingSummary(steps: 1, examples: 1, meanLoss: 0)),
            vectors: assembled)
        #expect(try received.delivered().resolved().delta == values)
    }

    @Test("a spooled update reaches the coordinator deferred: each vector read back in order, from its own offset")
    func deferredFromSpool() throws {
        let count = SpooledVectors.chunkValues * 2 + 5
        let values = Self.values(count)
        let mask: [Float] = [1, 0, 1]
        let layout: [VectorAssembler.Expected] = [.init(kind: .delta, count: count), .init(kind: .mask, count: 3)]
        var assembler = VectorAssembler(expecting: layout, maxChunkBytes: 8 << 20, spool: try UpdateSpool())
        try values.withUnsafeBufferPointer { buffer in
            for start in stride(from: 0, to: count, by: 1 << 20) {
                try assembler.add(kind: .delta, offset: start, bytes: VectorBytes.encode(buffer, start..<min(count, start + (1 << 20))))
            }
        }
        try mask.withUnsafeBufferPointer { try assembler.add(kind: .mask, offset: 0, bytes: VectorBytes.encode($0, 0..<3)) }
        let received = ReceivedUpdate(
            header: SiteUpdate(
                study: "s", site: "a", round: 1, delta: [], sampleCount: 1,
                training: TrainingSummary(steps: 1, examples: 1, meanLoss: 0)),
            vectors: try assembler.complete(checksum: ValuesChecksum.of([values, mask])))
        let update = received.delivered()
        #expect(update.delta.isEmpty && update.deferred != nil)
        #expect(update.count(of: .delta) == count && update.count(of: .mask) == 3 && update.count(of: .controlDelta) == nil)
        var ranges: [Range<Int>] = []
        try update.forEachChunk(of: .delta) { range, _ in ranges.append(range) }
        #expect(
            ranges == [
                0..<SpooledVectors.chunkValues, SpooledVectors.chunkValues..<(2 * SpooledVectors.chunkValues),
                (2 * SpooledVectors.chunkValues)..<count
            ])
        let resolved = try update.resolved()
        #expect(resolved.delta == values)
        #expect(resolved.vectors == [.mask: mask])
    }

    @Test("training instructions cross the wire unchanged")
    func instructions() throws {
        let instructions = TrainingInstructions(
            localSteps: 7, batchSize: 3, optimizer: .adam(learningRate: 0.003162, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, weightDecay: 0.1),
            algorithm: AlgorithmCall(
                "lockdown", parameters: ["density": 0.25, "rate": 1e-4, "mask_seed_high": 0, "mask_seed_low": 9],
                vectors: [.serverControl: [1, 2]]),
            privacy: LocalPrivacy(clipNorm: 1.1, noise: .targetEpsilon(3, plannedSteps: 1_500), expectedBatchSize: 4, delta: 1e-5))
        let wire = Cohort_Deployment_V1_TrainingInstructions(instructions)
        let decoded = try Cohort_Deployment_V1_TrainingInstructions(serializedBytes: try wire.serializedBytes() as [UInt8])
        // The algorithm's vectors travel with the task's download, not in the instructions.
        #expect(try decoded.domain(vectors: [.globalParameters: [0], .serverControl: [1, 2]]) == instructions)
        let plain = TrainingInstructions(localSteps: 100, batchSize: 4, optimizer: .sgd(learningRate: 0.001))
        #expect(try Cohort_Deployment_V1_TrainingInstructions(plain).domain(vectors: [.globalParameters: [0]]) == plain)
        #expect(throws: MalformedMessage.self) {
            try Cohort_Deployment_V1_TrainingInstructions(plain).domain(vectors: [.serverControl: [1]])
        }
    }

    @Test("study descriptions and model specs cross the wire unchanged")
    func studyDescription() throws {
        for model in [ModelSpec.logisticRegression, .mlp(hidden: [64, 32], activation: .tanh, dropout: 0.1), .cnn(channels: [8, 16], hidden: 32)] {
            let study = StudyDescription(
                studyID: "s", model: model, seed: 42, exampleShape: Shape([1, 28, 28]), task: .multiclass(classes: 3),
                parameterCount: 1_234, schemaSHA256: "ab", rounds: 5)
            #expect(try Cohort_Deployment_V1_StudyDescription(study).domain() == study)
        }
    }
}
