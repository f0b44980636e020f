import Testing
@testable import CohortCLI
