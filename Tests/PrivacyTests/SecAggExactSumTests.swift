import Federation
import Testing

@testable import Privacy

/// The unmasked sum equals the plain sum of the surviving clients' quantized vectors, as
/// integers, whoever drops out and whenever (up to the threshold).
@Suite struct SecAggExactSumTests {
    @Test func completeGraphWithoutDropoutsSumsExactly() throws {
        let setup = SecAggFixture.setup(clients: 8, threshold: 5)
        let report = try SecAggFixture.run(setup)
        #expect(report.sum.contributors == setup.participants)
        #expect(report.sum.dropped.isEmpty)
        #expect(SecAggFixture.unmasked(report) == SecAggFixture.plainSum(report))
        #expect(report.rejections.isEmpty && report.refusals.isEmpty)
    }

    @Test func hararyGraphWithoutDropoutsSumsExactly() throws {
        let setup = SecAggFixture.setup(clients: 21, shape: .harary(degree: 6), threshold: 4)
        let report = try SecAggFixture.run(setup)
        #expect(report.sum.contributors.count == 21)
        #expect(SecAggFixture.unmasked(report) == SecAggFixture.plainSum(report))
    }

    @Test(arguments: [SecAggSimulation.Dropout.beforeAdvertising, .afterAdvertising, .afterSharing, .afterMasking])
    func dropoutsAtEachStageStillSumExactly(stage: SecAggSimulation.Dropout) throws {
        // Complete graph on 10, t = 6: tolerates 3 dropouts.
        let setup = SecAggFixture.setup(clients: 10, threshold: 6)
        let dropped = [setup.participants[0], setup.participants[4], setup.participants[9]]
        let report = try SecAggFixture.run(setup, dropouts: Dictionary(uniqueKeysWithValues: dropped.map { ($0, stage) }))
        let expectedContributors = stage == .afterMasking ? setup.participants : setup.participants.filter { !dropped.contains($0) }
        #expect(report.sum.contributors == expectedContributors)
        #expect(report.sum.dropped == (stage == .afterSharing ? dropped : []))
        #expect(SecAggFixture.unmasked(report) == SecAggFixture.plainSum(report))
    }

    @Test(arguments: [SecAggSimulation.Dropout.beforeAdvertising, .afterAdvertising, .afterSharing, .afterMasking])
    func hararyDropoutsAtEachStageStillSumExactly(stage: SecAggSimulation.Dropout) throws {
        let setup = SecAggFixture.setup(clients: 24, shape: .harary(degree: 8), threshold: 5)
        let dropped = [setup.participants[2], setup.participants[13]]
        let report = try SecAggFixture.run(setup, dropouts: Dictionary(uniqueKeysWithValues: dropped.map { ($0, stage) }))
        #expect(report.sum.contributors.count == (stage == .afterMasking ? 24 : 22))
        #expect(SecAggFixture.unmasked(report) == SecAggFixture.plainSum(report))
    }

    @Test func dropoutsSpreadOverAllStagesSumExactly() throws {
        let setup = SecAggFixture.setup(clients: 12, threshold: 7)  // tolerates 4
        let p = setup.participants
        let report = try SecAggFixture.run(
            setup,
            dropouts: [
                p[1]: .beforeAdvertising, p[3]: .afterAdvertising, p[6]: .afterSharing, p[10]: .afterMasking
            ])
        #expect(report.sum.contributors == p.filter { ![p[1], p[3], p[6]].contains($0) })
        #expect(report.sum.dropped == [p[6]])
        #expect(SecAggFixture.unmasked(report) == SecAggFixture.plainSum(report))
    }

    @Test func theSumIsTheSameWhoeverComputesItAndReproducibleFromSeeds() throws {
        let setup = SecAggFixture.setup(clients: 9, threshold: 6)
        let first = try SecAggFixture.run(setup, dropouts: [setup.participants[2]: .afterSharing])
        let second = try SecAggFixture.run(setup, dropouts: [setup.participants[2]: .afterSharing])
        #expect(first.sum == second.sum)
    }

    @Test func theMaskedInputsHideTheUpdates() throws {
        // Sanity: what a client sends is not its quantized update (nor close to it).
        var harness = try SecAggHarness(SecAggFixture.setup(clients: 5, threshold: 3))
        let deliveries = try harness.share(try harness.advertise())
        let masked = try harness.maskedInputs(deliveries)
        for (site, input) in masked {
            let plain = harness.quantized[site]!.values
            let equal = zip(plain, input.values).filter { $0 == $1 }.count
            #expect(equal < 5, "\(site): \(equal) of \(plain.count) words unmasked")
        }
    }

    @Test func theWeightedMeanIsRecoveredWithinTheQuantizationBound() throws {
        let setup = SecAggFixture.setup(clients: 10, threshold: 6, clipRange: 1)
        let inputs = SecAggFixture.inputs(for: setup)
        let report = try SecAggFixture.run(setup, dropouts: [setup.participants[5]: .afterSharing], inputs: inputs)
        let mean = report.sum.weightedMean()
        let cap = 500
        var weightSum = 0.0
        var exact = [Double](repeating: 0, count: setup.parameterCount)
        for site in report.sum.contributors {
            let input = inputs[site]!
            let weight = Double(min(input.sampleCount, cap))
            weightSum += weight
            for j in exact.indices { exact[j] += weight * min(max(Double(input.update[j]), -1), 1) }
        }
        #expect(Double(report.sum.totalWeight) == weightSum)
        let bound = report.sum.meanErrorBound
        for j in exact.indices {
            let error = abs(Double(mean[j]) - exact[j] / weightSum)
            #expect(error <= bound + 1e-7, "coordinate \(j): error \(error) > bound \(bound)")
        }
        #expect(bound < 1e-5)
    }
}
