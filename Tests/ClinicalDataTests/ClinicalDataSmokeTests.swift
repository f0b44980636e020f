import Testing
@testable import ClinicalData
