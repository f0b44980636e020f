import Foundation

/// The configuration files written into startup kits: complete, commented, and accepted as
/// they are by `cohort coordinator` and `cohort site`.
public enum StartupKit {
    /// A site's `site.yaml`. Its identity is not in it: it comes from `site.crt`.
    public static func siteConfig(coordinator: String) -> String {
        """
        # Cohort site agent. Run: cohort site --config site.yaml --data DATA
        # The site's identity is the name in site.crt, issued by the consortium CA.
        coordinator: \(yamlScalar(coordinator))        # host:port the agent dials (it never listens)
        certificate: \(KitFile.siteCertificate)
        key: \(KitFile.siteKey)                    # never leaves this machine
        ca: \(KitFile.caCertificate)
        state: state                       # the site's checkpoints, for restarts
        audit:
          directory: \(KitFile.auditDirectory)                 # this site's signed, hash-chained trail (audit/<site>.audit.jsonl)
          key: \(KitFile.auditKey)              # signs the trail (0600); give \(KitFile.publicKey(of: KitFile.auditKey)) to auditors
        policy:
          directory: \(KitFile.policyDirectory)                # site-policy.yaml (the steward's rules) and approvals.jsonl
          steward_key: \(KitFile.publicKey(of: KitFile.stewardKey))   # the data steward's public key, which signs approvals

        """
    }

    /// The coordinator's `coordinator.yaml`, running FLamby's Fed-Heart-Disease protocol by
    /// default (the same study as `cohort simulate`). It listens where `KitListenAddress`
    /// says for `coordinatorHost`, the host sites dial. The study admits only `sites` (the
    /// kits made with it): a certificate from the same CA does not let another site in, and
    /// adding a site to a running study is an explicit step (list it, restart to resume).
    public static func coordinatorConfig(coordinatorHost: String, port: Int, minimumSites: Int, sites: [String] = []) -> String {
        let admitted =
            sites.isEmpty
            ? "  # sites: [NAME, ...]             # the sites this study admits; without the list, any site the consortium CA certified may join\n"
            : "  sites: [\(sites.joined(separator: ", "))]\n"
                + "  # Only the sites listed may join. To add one to a running study: cohort provision add-site NAME,\n"
                + "  # add NAME here, and restart the coordinator (it resumes from its database).\n"
        let listen = KitListenAddress(coordinatorHost: coordinatorHost)
        let scope =
            listen.everyInterface
            ? """
            # 0.0.0.0 listens on every network interface of this machine. To narrow it, write the address
            # of the interface sites reach instead (e.g. 10.0.0.5:\(port)), in listen and vector_lane alike.

            """
            : "# Loopback only: \(coordinatorHost) was provisioned as the coordinator's host, so only this machine can connect.\n"
        return """
            # Cohort coordinator. Run: cohort coordinator --config coordinator.yaml
            \(scope)listen: \(yamlScalar(listen.address(port: port)))
            # vector_lane: \(yamlScalar(listen.address(port: port + 1)))   # models and updates over a second mutual-TLS port: faster
                                               # rounds, less memory (docs/DEPLOYMENT.md, section 5); open it to sites
            certificate: \(KitFile.coordinatorCertificate)
            key: \(KitFile.coordinatorKey)
            ca: \(KitFile.caCertificate)
            revocations: \(KitFile.revocations)      # re-read whenever the file changes
            database: coordinator.sqlite       # study, rounds, metrics, a checkpoint per round
            audit:
              directory: \(KitFile.auditDirectory)                 # the coordinator's trail of study events (audit/coordinator.audit.jsonl)
              key: \(KitFile.auditKey)
            study:
              id: heart-disease
              dataset: heart-disease
              model: logistic
              strategy: fedavg
              rounds: 15
              local_steps: 100
              batch_size: 4
              seed: 42
            \(admitted)  min_sites: \(minimumSites)                     # k of n: fewer contributions leave the model unchanged
              round_deadline_seconds: 600      # stragglers past it are left out of the round and told so

            """
    }

    /// An address as a YAML value: an IPv6 one (`[::1]:7443`) quoted, or YAML reads the
    /// brackets as a list.
    static func yamlScalar(_ address: String) -> String {
        address.hasPrefix("[") ? "\"\(address)\"" : address
    }
}
