import Foundation

/// The configuration files written into startup kits: complete, commented, and accepted as
/// they are by `cohort coordinator` and `cohort site`.
public enum StartupKit {
    /// A site's `site.yaml`. Its identity is not in it: it comes from `site.crt`.
    public static func siteConfig(coordinator: String) -> String {
        """
        # Cohort site agent. Run: cohort site --config site.yaml --data DATA
        # The site's identity is the name in site.crt, issued by the consortium CA.
        coordinator: \(coordinator)        # host:port the agent dials (it never listens)
        certificate: \(KitFile.siteCertificate)
        key: \(KitFile.siteKey)                    # never leaves this machine
        ca: \(KitFile.caCertificate)
        state: state                       # the site's checkpoints, for restarts

        """
    }

    /// The coordinator's `coordinator.yaml`, running FLamby's Fed-Heart-Disease protocol by
    /// default (the same study as `cohort simulate`).
    public static func coordinatorConfig(port: Int, minimumSites: Int) -> String {
        """
        # Cohort coordinator. Run: cohort coordinator --config coordinator.yaml
        listen: 0.0.0.0:\(port)
        # vector_lane: 0.0.0.0:\(port + 1)   # models and updates over a second mutual-TLS port: faster
                                           # rounds, less memory (docs/DEPLOYMENT.md, section 5); open it to sites
        certificate: \(KitFile.coordinatorCertificate)
        key: \(KitFile.coordinatorKey)
        ca: \(KitFile.caCertificate)
        revocations: \(KitFile.revocations)      # re-read whenever the file changes
        database: coordinator.sqlite       # study, rounds, metrics, a checkpoint per round
        study:
          id: heart-disease
          dataset: heart-disease
          model: logistic
          strategy: fedavg
          rounds: 15
          local_steps: 100
          batch_size: 4
          seed: 42
          min_sites: \(minimumSites)                     # k of n: fewer contributions leave the model unchanged
          round_deadline_seconds: 600      # stragglers past it are left out of the round and told so

        """
    }
}
