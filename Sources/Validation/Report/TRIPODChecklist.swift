/// The TRIPOD+AI items (Collins et al., "TRIPOD+AI statement: updated guidance for reporting
/// clinical prediction models that use regression or machine learning methods", BMJ
/// 2024;385:e078378) against what this report shows: which items it covers, in part or in
/// full, and which the authors must still supply. A validation report is one input to a
/// TRIPOD+AI paper, not the paper: background, eligibility, outcome definition, ethics and
/// the discussion are the authors' to write.
///
/// Item numbers follow the checklist; topics are paraphrased here, not quoted.
public enum TRIPODChecklist {
    public enum Coverage: String, Hashable, Sendable {
        /// The report contains what the item asks.
        case covered
        /// The report contains part of it; `note` says what remains.
        case partly
        /// Nothing in the report: the authors supply it.
        case supply
    }

    public struct Item: Hashable, Sendable {
        public var number: String
        public var topic: String
        public var coverage: Coverage
        /// Where the report covers it, or what the authors must add.
        public var note: String
    }

    /// Every item of the checklist, in order, with this report's coverage.
    public static func items(intendedUseStated: Bool, leaveOneSiteOut: Bool) -> [Item] {
        [
            Item(number: "1", topic: "Title", coverage: .supply, note: "the paper's title"),
            Item(number: "2", topic: "Abstract", coverage: .supply, note: "see TRIPOD+AI for Abstracts"),
            Item(number: "3a", topic: "Background: healthcare context and rationale", coverage: .supply, note: "clinical context, existing models"),
            Item(
                number: "3b", topic: "Target population, intended purpose and users", coverage: intendedUseStated ? .partly : .supply,
                note: intendedUseStated
                    ? "intended use from the study's intended_use (model card); the care pathway and intended users remain to be described"
                    : "the study states no intended_use; add it to the study definition and describe the care pathway and users"),
            Item(number: "3c", topic: "Known health inequalities between groups", coverage: .supply, note: "from the literature"),
            Item(number: "4", topic: "Objectives", coverage: .supply, note: "development, validation or both"),
            Item(
                number: "5a", topic: "Data sources and their representativeness", coverage: .partly,
                note: "sites and sizes (model card); the kind of data and its representativeness remain"),
            Item(number: "5b", topic: "Dates of data collection", coverage: .supply, note: "accrual and follow-up dates"),
            Item(
                number: "6a", topic: "Setting, number and location of centres", coverage: .partly,
                note: "number of sites (model card); setting and location remain"),
            Item(
                number: "6b", topic: "Eligibility criteria", coverage: .supply, note: "the study schema's cohort criteria, if prepared with cohort data prepare"
            ),
            Item(number: "6c", topic: "Treatments received", coverage: .supply, note: "if relevant"),
            Item(number: "7", topic: "Data preparation and quality checks", coverage: .supply, note: "cohort data check gives the quality report per site"),
            Item(number: "8a", topic: "Outcome definition and time horizon", coverage: .supply, note: "how and when the outcome was assessed"),
            Item(number: "8b", topic: "Qualifications of outcome assessors", coverage: .supply, note: "if assessment is subjective"),
            Item(number: "8c", topic: "Blinding of outcome assessment", coverage: .supply, note: ""),
            Item(number: "9a", topic: "Choice of initial predictors", coverage: .supply, note: ""),
            Item(
                number: "9b", topic: "Definition and measurement of predictors", coverage: .partly,
                note: "the schema hash identifies the features; their definitions remain"),
            Item(number: "9c", topic: "Qualifications of predictor assessors", coverage: .supply, note: "if measurement is subjective"),
            Item(number: "10", topic: "Sample size", coverage: .supply, note: "the sizes are in the model card; their justification remains"),
            Item(number: "11", topic: "Missing data", coverage: .supply, note: "how missing values were handled at each site"),
            Item(
                number: "12a", topic: "How the data were used (partitioning)", coverage: .covered,
                note: "each site's test split (internal validation)" + (leaveOneSiteOut ? "; leave-one-site-out (external validation)" : "")),
            Item(
                number: "12b", topic: "Predictor handling (scaling, transformation)", coverage: .partly,
                note: "per-site standardization is the data set's protocol; state it"),
            Item(
                number: "12c", topic: "Model type, building steps, internal validation", coverage: .covered,
                note: "model card: model, strategy, rounds, local steps, learning rate, plan hash"),
            Item(
                number: "12d", topic: "Heterogeneity across clusters", coverage: .covered,
                note: "per-site metrics and the forest plot" + (leaveOneSiteOut ? ", leave-one-site-out" : "")),
            Item(
                number: "12e", topic: "Performance measures and plots", coverage: .covered,
                note: "AUROC (DeLong), operating points (Wilson), calibration slope, intercept and in-the-large, O/E, reliability, decision curves"),
            Item(number: "12f", topic: "Model updating (recalibration)", coverage: .supply, note: "none performed by this report"),
            Item(
                number: "12g", topic: "How predictions were calculated", coverage: .covered,
                note: "the saved model (checksum in the model card) scored by Cohort at each site"),
            Item(number: "13", topic: "Class imbalance methods", coverage: .supply, note: "none applied by Cohort; state so"),
            Item(
                number: "14", topic: "Fairness approaches", coverage: .partly,
                note: "performance and gaps by patient group are reported; no mitigation was applied"),
            Item(
                number: "15", topic: "Model output and thresholds", coverage: .partly,
                note: "predicted probabilities; operating thresholds from the study; why those thresholds remains"),
            Item(number: "16", topic: "Differences between development and evaluation data", coverage: .supply, note: ""),
            Item(number: "17", topic: "Ethical approval and consent", coverage: .supply, note: ""),
            Item(number: "18a", topic: "Funding", coverage: .supply, note: ""),
            Item(number: "18b", topic: "Conflicts of interest", coverage: .supply, note: ""),
            Item(number: "18c", topic: "Protocol", coverage: .supply, note: "the training plan (hash in the model card) is part of it"),
            Item(number: "18d", topic: "Registration", coverage: .supply, note: ""),
            Item(number: "18e", topic: "Data sharing", coverage: .supply, note: ""),
            Item(number: "18f", topic: "Code sharing", coverage: .partly, note: "Cohort's version is in the model card; where the code is available remains"),
            Item(number: "19", topic: "Patient and public involvement", coverage: .supply, note: ""),
            Item(
                number: "20a", topic: "Flow of participants", coverage: .partly,
                note: "patients and events per site's test split; the flow from source to analysis remains"),
            Item(
                number: "20b", topic: "Characteristics per data source", coverage: .partly,
                note: "sizes, events and patient groups per site; predictor distributions remain"),
            Item(number: "20c", topic: "Development versus evaluation predictor distributions", coverage: .supply, note: ""),
            Item(number: "21", topic: "Participants and events in each analysis", coverage: .covered, note: "model card and every table"),
            Item(number: "22", topic: "Full model specification", coverage: .covered, note: "the saved model file (parameters, architecture, checksum)"),
            Item(
                number: "23a", topic: "Performance with confidence intervals, by subgroup", coverage: .covered,
                note: "every metric with its 95 % interval, per site, pooled and by group"),
            Item(number: "23b", topic: "Heterogeneity of performance across clusters", coverage: .covered, note: "per-site results and the forest plot"),
            Item(number: "24", topic: "Model updating results", coverage: .supply, note: "if the model was updated"),
            Item(number: "25", topic: "Interpretation, including fairness", coverage: .supply, note: ""),
            Item(number: "26", topic: "Limitations", coverage: .supply, note: "the report's intervals show statistical uncertainty; other limitations remain"),
            Item(number: "27a", topic: "Handling poor or missing input data in use", coverage: .supply, note: ""),
            Item(number: "27b", topic: "User interaction and expertise required", coverage: .supply, note: ""),
            Item(number: "27c", topic: "Next steps for research", coverage: .supply, note: "")
        ]
    }
}
