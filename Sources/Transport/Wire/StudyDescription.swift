import Federation
import Learning

/// What a site needs to know of the study it joins: enough to build the same local model
/// as every other site, and to check its data fits before any work arrives.
public struct StudyDescription: Hashable, Sendable {
    public var studyID: String
    public var model: ModelSpec
    public var seed: UInt64
    public var exampleShape: Shape
    public var task: Learning.Task
    public var parameterCount: Int
    /// Set when the study needs data prepared with this study schema (SHA-256, hex).
    public var schemaSHA256: String?
    public var rounds: Int
    /// The study's training plan (canonical JSON), which a governed site checks against its
    /// steward's approvals; nil from a coordinator that announces none.
    public var trainingPlan: String?

    public init(
        studyID: String, model: ModelSpec, seed: UInt64, exampleShape: Shape, task: Learning.Task, parameterCount: Int,
        schemaSHA256: String?, rounds: Int, trainingPlan: String? = nil
    ) {
        self.studyID = studyID
        self.model = model
        self.seed = seed
        self.exampleShape = exampleShape
        self.task = task
        self.parameterCount = parameterCount
        self.schemaSHA256 = schemaSHA256
        self.rounds = rounds
        self.trainingPlan = trainingPlan
    }
}

/// What a site's data looks like (never the data itself).
public struct DataSummary: Hashable, Sendable {
    public var exampleShape: Shape
    public var task: Learning.Task
    public var trainingRows: Int
    public var testRows: Int
    public var schemaSHA256: String?

    public init(exampleShape: Shape, task: Learning.Task, trainingRows: Int, testRows: Int, schemaSHA256: String?) {
        self.exampleShape = exampleShape
        self.task = task
        self.trainingRows = trainingRows
        self.testRows = testRows
        self.schemaSHA256 = schemaSHA256
    }

    /// Why this data cannot take part in `study`, or nil if it can.
    public func mismatch(with study: StudyDescription) -> String? {
        if let required = study.schemaSHA256, schemaSHA256 != required {
            let held = schemaSHA256.map { "prepared with study schema \($0.prefix(12))" } ?? "not a prepared dataset of a study schema"
            return
                "the site's data is \(held), but study '\(study.studyID)' needs data prepared with schema \(required.prefix(12)) (cohort data prepare with the study's file)"
        }
        if exampleShape != study.exampleShape {
            return "the site's data has examples of shape \(exampleShape), but study '\(study.studyID)' expects \(study.exampleShape) (its feature schema)"
        }
        if task != study.task {
            return "the site's data is labelled for \(task), but study '\(study.studyID)' is \(study.task)"
        }
        if trainingRows == 0 {
            return "the site has no training rows"
        }
        return nil
    }
}
