import Foundation
import Testing

@testable import Compliance

@Suite struct PolicyTests {
    @Test func aValidPolicyReads() throws {
        let policy = try SitePolicy(contentsOf: Fixtures.url("site-policy.yaml"))
        #expect(policy.site == "site-0")
        #expect(policy.allowedModels == ["logistic", "mlp"])
        #expect(policy.maxParameters == 10_000)
        #expect(policy.minRowsPerUpdate == 20)
        #expect(policy.differentialPrivacy == DifferentialPrivacyRule(required: false, maxEpsilon: 8, delta: 1e-5))
        #expect(policy.allowedCoordinators.isEmpty)
        #expect(policy.policyHash.count == 64)
    }

    @Test func anUnknownKeyIsRefusedWithItsLine() {
        #expect {
            try SitePolicy(contentsOf: Fixtures.url("policy-unknown-key.yaml"))
        } throws: { error in
            let policyError = error as? SitePolicyError
            return policyError?.line == 4 && policyError!.reason.contains("unknown key 'min_row_per_update'")
        }
    }

    @Test func requiredDPWithNoEpsilonIsAContradiction() {
        #expect {
            try SitePolicy(contentsOf: Fixtures.url("policy-dp-contradiction.yaml"))
        } throws: { error in
            let policyError = error as? SitePolicyError
            return policyError?.line == 7 && policyError!.reason.contains("max_epsilon") && policyError!.reason.contains("required")
        }
    }

    @Test(arguments: [
        ("site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: 20\nmax_parameters: 0\n", 5, "max_parameters"),
        ("site: a\nsteward: b\nallowed_models: []\nmin_rows_per_update: 20\n", 3, "allowed_models"),
        ("site: a\nsteward: b\nallowed_models: [logistic, transformer]\nmin_rows_per_update: 20\n", 3, "transformer"),
        ("site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: 0\n", 4, "min_rows_per_update"),
        ("site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: many\n", 4, "whole number"),
        (
            "site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: 5\ndifferential_privacy:\n  required: yes please\n  max_epsilon: 1\n  delta: 0.001\n",
            6, "true or false"
        ),
        (
            "site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: 5\ndifferential_privacy:\n  required: false\n  max_epsilon: 1\n  delta: 2\n",
            8, "delta"
        ),
        ("site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: 5\nallowed_coordinators: [not-a-fingerprint]\n", 5, "fingerprint"),
        ("site: a\nsteward: b\nallowed_models: [logistic]\nmin_rows_per_update: 5\nmin_rows_per_update: 6\n", 4, "duplicate"),
        ("site: a\nsteward: b\nallowed_models: [logistic]\n", 1, "min_rows_per_update")
    ])
    func badPoliciesAreRefusedWithTheLine(yaml: String, line: Int, mention: String) {
        #expect {
            try SitePolicy(yaml: yaml)
        } throws: { error in
            guard let policyError = error as? SitePolicyError else { return false }
            return policyError.line == line && policyError.reason.contains(mention)
        }
    }

    @Test func fingerprintsAreNormalized() throws {
        let hex = String(repeating: "ab", count: 32)
        let colons = "SHA256:" + stride(from: 0, to: 64, by: 2).map { String(hex.uppercased().dropFirst($0).prefix(2)) }.joined(separator: ":")
        #expect(CertificateFingerprint.normalized(colons) == hex)
        let policy = try SitePolicy(yaml: "site: a\nsteward: b\nallowed_models: [mlp]\nmin_rows_per_update: 5\nallowed_coordinators:\n  - \"\(colons)\"\n")
        #expect(policy.allowedCoordinators == [hex])
    }
}
