import Federation

/// Everything a validation report is made from: the model card, the settings, each site's
/// validation statistics for the final model, and leave-one-site-out statistics where they
/// were computed. Nothing row-level: a report can be made wherever these sums are.
public struct ValidationInputs: Sendable {
    /// One site's statistics for the study's final model (internal validation).
    public struct Site: Sendable {
        public var name: String
        public var statistics: ValidationStatistics

        public init(name: String, statistics: ValidationStatistics) {
            self.name = name
            self.statistics = statistics
        }
    }

    /// One site held out: a model trained on the other sites, scored on this one.
    public struct HeldOut: Sendable {
        public var site: String
        public var trainedOn: [String]
        /// The held-out site's statistics, or why that model could not be made.
        public var statistics: Result<ValidationStatistics, NotEstimable>

        public init(site: String, trainedOn: [String], statistics: Result<ValidationStatistics, NotEstimable>) {
            self.site = site
            self.trainedOn = trainedOn
            self.statistics = statistics
        }
    }

    public enum LeaveOneSiteOut: Sendable {
        case computed([HeldOut])
        /// Not run, and why (a deployed study trains once; a study with one site).
        case unavailable(String)
    }

    public var card: ModelCard
    public var settings: ValidationSettings
    public var sites: [Site]
    public var leaveOneSiteOut: LeaveOneSiteOut
    /// What a reader must know about where the statistics came from (a site that did not
    /// answer, models retrained with fresh DP noise), shown first.
    public var notes: [String]

    public init(card: ModelCard, settings: ValidationSettings, sites: [Site], leaveOneSiteOut: LeaveOneSiteOut, notes: [String] = []) {
        self.card = card
        self.settings = settings
        self.sites = sites
        self.leaveOneSiteOut = leaveOneSiteOut
        self.notes = notes
    }
}
