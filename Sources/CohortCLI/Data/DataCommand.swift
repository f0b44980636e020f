import ArgumentParser

/// `cohort data ...`: from a site's raw export to a training-ready dataset.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Check and prepare a site's clinical data (FHIR R4, Synthea CSV, mapped CSV).",
        discussion: """
            A study file (YAML) defines features by codes and units; the same study reads every site's \
            export. Shipped studies: synthea-cardiovascular, uci-heart-disease. Shipped mapping: \
            uci-heart-disease-processed.
            """,
        subcommands: [
            DataCheckCommand.self, DataPrepareCommand.self, DataSummarizeCommand.self,
            DataCombineCommand.self, DataBenchCommand.self
        ]
    )
}
