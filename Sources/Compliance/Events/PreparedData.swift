/// A site prepared a data set for a study: which schema, and how many rows came out. Counts
/// only, so the trail can show data quality without holding any record.
public struct PreparedData: Hashable, Sendable {
    public var study: String
    public var site: String
    public var schemaHash: String
    public var trainingRows: Int
    public var testRows: Int
    public var excludedRows: Int

    public init(study: String, site: String, schemaHash: String, trainingRows: Int, testRows: Int, excludedRows: Int) {
        self.study = study
        self.site = site
        self.schemaHash = schemaHash
        self.trainingRows = trainingRows
        self.testRows = testRows
        self.excludedRows = excludedRows
    }
}
