import CohortCLI

await CohortCommand.main()
