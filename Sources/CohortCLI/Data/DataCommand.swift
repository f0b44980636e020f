import ArgumentParser

/// `cohort data ...`: from a site's raw export to a training-ready dataset.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Check and prepare a site's clinical data (FHIR R4, Synthea CSV, mapped CSV).",
        subcommands: []
    )
}
