import Foundation
import Testing

@testable import Learning

@Suite struct FloatScanTests {
    /// The scalar answers the block scans must reproduce.
    static func scalarFirstNonFinite(_ values: [Float]) -> Int? { values.firstIndex { !$0.isFinite } }
    static func scalarFirstNonBinary(_ values: [Float]) -> Int? { values.firstIndex { $0 != 0 && $0 != 1 } }

    static func nonFinite(in values: [Float]) -> (memory: Int?, wire: Int?) {
        let memory = values.withUnsafeBufferPointer { FloatScan.firstNonFinite(in: $0) }
        let wire = wireBytes(values).withUnsafeBytes { FloatScan.firstNonFinite(inLittleEndian: $0) }
        return (memory, wire)
    }

    static func nonBinary(in values: [Float]) -> (memory: Int?, wire: Int?) {
        let memory = values.withUnsafeBufferPointer { FloatScan.firstNonBinary(in: $0) }
        let wire = wireBytes(values).withUnsafeBytes { FloatScan.firstNonBinary(inLittleEndian: $0) }
        return (memory, wire)
    }

    /// Little-endian bytes, shifted by one byte so the wire scan reads unaligned words.
    static func wireBytes(_ values: [Float]) -> Data {
        var bytes = Data([0xAB])
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes.dropFirst()
    }

    @Test(arguments: [Float.nan, -Float.nan, .infinity, -.infinity, Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFC0_0000)])
    func findsEveryNonFiniteValueAtEveryPosition(bad: Float) {
        // Lengths around the 8-wide blocks, the bad value in a block, at a block's edge and in the tail.
        for count in [1, 7, 8, 9, 16, 17, 63] {
            for position in 0..<count {
                var values = (0..<count).map { Float($0) * 0.5 - 3 }
                values[position] = bad
                if position + 2 < count { values[position + 2] = .nan }  // a later one must not win
                let found = Self.nonFinite(in: values)
                #expect(found.memory == position, "count \(count), position \(position)")
                #expect(found.wire == position, "count \(count), position \(position)")
            }
        }
    }

    @Test func finiteExtremesAreNotFlagged() {
        let values: [Float] = [
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0, 0,
            .leastNormalMagnitude, 1e38, -1e-38, 3, 4, 5
        ]
        #expect(Self.nonFinite(in: values) == (nil, nil))
        #expect(Self.nonFinite(in: []) == (nil, nil))
    }

    @Test func binaryScanAcceptsOnlyZeroAndOne() {
        let mask: [Float] = [0, 1, -0.0, 1, 0, 0, 1, 1, 0, 1, 0]
        #expect(Self.nonBinary(in: mask) == (nil, nil))
        for bad: Float in [-1, 2, 0.5, .leastNonzeroMagnitude, Float(bitPattern: 0x3F80_0001), .nan, .infinity] {
            for position in [0, 5, 7, 8, 10] {
                var values = mask
                values[position] = bad
                let found = Self.nonBinary(in: values)
                #expect(found.memory == position && found.wire == position, "\(bad) at \(position)")
            }
        }
    }

    @Test func agreesWithTheScalarScanOnRandomVectors() {
        var generator = SeededGenerator(seed: 11)
        for trial in 0..<200 {
            let count = Int.random(in: 0..<100, using: &generator)
            var values = (0..<count).map { _ in Float.random(in: -2...2, using: &generator).rounded() }
            if count > 0, Bool.random(using: &generator) { values[Int.random(in: 0..<count, using: &generator)] = .infinity }
            #expect(Self.nonFinite(in: values) == (Self.scalarFirstNonFinite(values), Self.scalarFirstNonFinite(values)), "trial \(trial)")
            #expect(Self.nonBinary(in: values) == (Self.scalarFirstNonBinary(values), Self.scalarFirstNonBinary(values)), "trial \(trial)")
        }
    }
}
