import Foundation
import Testing

@testable import Privacy

@Suite struct PrivacyPolicyTests {
    func policy(_ json: String) throws -> PrivacyPolicy {
        try PrivacyPolicy(json: Data(json.utf8), source: "site.json")
    }

    @Test func readsTheJSONFormat() throws {
        let read = try policy(#"{"max_epsilon": 8, "delta": 1e-5, "comment": "IRB 2026-14"}"#)
        #expect(read == (try PrivacyPolicy(maxEpsilon: 8, delta: 1e-5)))
    }

    @Test func refusesAPolicyThatContradictsItself() {
        for (json, needle) in [
            (#"{"max_epsilon": 0, "delta": 1e-5}"#, "max_epsilon 0"),
            (#"{"max_epsilon": -2, "delta": 1e-5}"#, "max_epsilon -2"),
            (#"{"max_epsilon": 8, "delta": 0}"#, "delta 0"),
            (#"{"max_epsilon": 8, "delta": 1}"#, "delta 1"),
            (#"{"max_epsilon": 8, "delta": 1.5}"#, "delta 1.5")
        ] {
            #expect {
                try policy(json)
            } throws: { error in
                let message = "\(error)"
                return message.contains("site.json") && message.contains(needle) && !message.contains("\n")
            }
        }
    }

    @Test func namesMissingOrMistypedKeys() {
        #expect {
            try policy(#"{"max_epsilion": 8, "delta": 1e-5}"#)
        } throws: { "\($0)".contains("missing key 'max_epsilon'") }
        #expect {
            try policy(#"{"max_epsilon": "eight", "delta": 1e-5}"#)
        } throws: { "\($0)".contains("'max_epsilon' has the wrong type") }
        #expect {
            try policy("max_epsilon: 8")
        } throws: { "\($0)".contains("not valid JSON") }
    }

    @Test func namesAnUnreadableFile() {
        #expect {
            try PrivacyPolicy(contentsOf: URL(fileURLWithPath: "/nonexistent/policy.json"))
        } throws: { "\($0)".contains("/nonexistent/policy.json") }
    }

    @Test func codableRoundTripValidates() throws {
        let policy = try PrivacyPolicy(maxEpsilon: 3, delta: 1e-6)
        #expect(try JSONDecoder().decode(PrivacyPolicy.self, from: JSONEncoder().encode(policy)) == policy)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(PrivacyPolicy.self, from: Data(#"{"maxEpsilon": 3, "delta": 2}"#.utf8))
        }
    }
}
