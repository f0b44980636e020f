import Foundation
import Synchronization
import Testing

@testable import Federation

/// The round's fan-out: answers arrive in whatever order the sites finish; they are folded in
/// the participants' order, and the deadline leaves the slow ones out.
@Suite struct GatherTests {
    @Test func answersArriveInAnyOrderAndAreFoldedInParticipantOrder() async {
        let participants = (0..<8).map { SiteID("site-\($0)") }
        // Later participants answer first: site-7 after 0 ms, site-0 after 70 ms.
        let delays = participants.indices.map { (participants.count - 1 - $0) * 10 }
        var arrived: [Int] = []
        var folded: [Int] = []
        let outcome = await gather(participants: participants, deadlineSeconds: 30) { index in
            try await Task.sleep(for: .milliseconds(delays[index]))
            return index
        } accept: { index, result -> Int? in
            arrived.append(index)
            guard case .success(let value) = result else { return nil }
            return value
        } fold: { index in
            folded.append(index)
        }
        #expect(outcome.stragglers.isEmpty)
        #expect(arrived != Array(participants.indices), "the arrival order is really permuted: \(arrived)")
        #expect(Set(arrived) == Set(participants.indices))
        #expect(folded == Array(participants.indices))
    }

    @Test func aFailedOrRefusedAnswerDoesNotHoldBackTheOnesAfterIt() async {
        let participants = (0..<4).map { SiteID("site-\($0)") }
        var folded: [Int] = []
        _ = await gather(participants: participants, deadlineSeconds: 30) { index -> Int in
            if index == 1 { throw SiteError.unavailable(participants[index]) }
            try await Task.sleep(for: .milliseconds((3 - index) * 5))
            return index
        } accept: { index, result -> Int? in
            guard case .success(let value) = result, value != 2 else { return nil }  // 2 is refused by the check
            return value
        } fold: { index in
            folded.append(index)
        }
        #expect(folded == [0, 3])
    }

    @Test func participantsStillWorkingAtTheDeadlineAreStragglers() async {
        let participants = (0..<3).map { SiteID("site-\($0)") }
        var folded: [Int] = []
        let outcome = await gather(participants: participants, deadlineSeconds: 0.2) { index in
            if index == 1 { try await Task.sleep(for: .seconds(30)) }
            return index
        } accept: { _, result -> Int? in
            guard case .success(let value) = result else { return nil }
            return value
        } fold: { index in
            folded.append(index)
        }
        #expect(outcome.stragglers == [1])
        #expect(folded == [0, 2])
    }
}
