import Datasets
import Foundation
import FuzzSupport

/// NumPy files as the dataset loaders read them: the input as one `.npy` array
/// (`NPYArray(npyBytes:)`, its values converted to Float), and as an `.npz` archive
/// (`NPZArchive(contentsOf:)`, every array in it converted).
enum NumPyTarget {
    static let folder = Scratch.folder("numpy")

    static func run(_ input: FuzzInput) {
        do {
            _ = try NPYArray(npyBytes: input.data, path: "input.npy", name: "input").floatValues()
        } catch {
            // A refused file is an answer; only a trap or a sanitizer report is a finding.
        }
        let file = Scratch.write(input.data, "input.npz", in: folder)
        do {
            let archive = try NPZArchive(contentsOf: file)
            for array in archive.arrays.values { _ = array.floatValues() }
        } catch {
            // As above.
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    NumPyTarget.run(FuzzInput(start, count))
    return 0
}
