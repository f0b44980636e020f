import Testing
@testable import Federation
