extension StartupKit {
    /// A site kit's `policy/site-policy.yaml`: the data steward's rules, every key of the format
    /// (`SitePolicy(yaml:)`) with what it does, so the steward edits a file instead of writing one
    /// from the manual. It parses as written, with rules a first study can meet; the steward
    /// names themselves and tightens the rest. Optional rules are left commented out, because a
    /// rule the steward did not choose would refuse studies for reasons nobody at the site owns.
    public static func sitePolicy(site: String) -> String {
        """
        # Site policy of \(site): the data steward's rules for every study that uses this site's data.
        # The site agent checks each study's training plan against them, and runs only plans the
        # steward approved (cohort site approve); it refuses every round of any other plan, and the
        # coordinator records why. Strict: an unknown key, a duplicate or a wrong type is an error
        # naming its line, never ignored. Keys marked optional may be removed.
        \(aligned("site: \(site)"))# required: the site this policy governs (the name in site.crt)
        \(aligned("steward: data steward of \(site)"))# required: who owns this policy; write the steward's name
        allowed_models: [logistic, mlp]        # required, non-empty: model families a study may train (logistic, mlp, cnn)
        # max_parameters: 100000               # optional, > 0: refuse models with more parameters
        require_secure_aggregation: false      # optional (default false): true refuses plans without secure aggregation
        # differential_privacy:                # optional: DP-SGD at this site
        #   required: true                     #   every study must train with DP-SGD
        #   max_epsilon: 8                     #   > 0: the most cumulative epsilon this site's data may lose ...
        #   delta: 1.0e-5                      #   ... measured at this delta, in (0, 1)
        min_rows_per_update: 20                # required, >= 1: no update computed on fewer rows (patients) leaves the site
        # allowed_coordinators:                # optional: coordinators this site works for, by the SHA-256
        #   - "SHA256:3F:..."                  #   fingerprint of their certificate (default: any of the consortium)

        """
    }

    /// `text` padded so that the comment after it lines up with the template's others.
    private static func aligned(_ text: String) -> String {
        text + String(repeating: " ", count: max(1, 39 - text.count))
    }
}
