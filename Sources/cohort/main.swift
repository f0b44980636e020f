import CohortCLI
import Foundation

exit(await CohortCommand.runMain())
