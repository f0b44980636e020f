import Testing
@testable import Privacy
