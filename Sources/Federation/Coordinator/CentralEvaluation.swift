import Learning

/// Test sets the coordinator itself holds (public or synthetic benchmark data such as
/// FLamby's pooled test), scored on every evaluation round next to the sites' own reports.
public struct CentralEvaluation: Sendable {
    public var model: ModelSpec
    public var testSets: [String: Dataset]

    public init(model: ModelSpec, testSets: [String: Dataset]) {
        self.model = model
        self.testSets = testSets
    }
}
