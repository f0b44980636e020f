import Testing
@testable import Compliance
