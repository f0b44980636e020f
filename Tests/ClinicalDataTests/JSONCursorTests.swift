import Foundation
import Testing

@testable import ClinicalData

struct JSONCursorTests {
    private func withCursor<T>(_ text: String, _ body: (inout JSONCursor) throws -> T) rethrows -> T {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            return try body(&cursor)
        }
    }

    @Test func readsKeysStringsNumbersAndSkipsTheRest() throws {
        let text = #"{"a": {"deep": [1, {"x": "}]\"{"}, [true, false, null]]}, "b" : "caf\u00e9 \"q\" \n", "c": -12.5e1, "d": []}"#
        try withCursor(text) { cursor in
            try cursor.enterObject()
            var first = true
            var seen = [String]()
            while let key = try cursor.nextKey(&first) {
                seen.append(key.text)
                switch key.text {
                case "b": #expect(try cursor.string().text == "café \"q\" \n")
                case "c": #expect(try cursor.number() == -125)
                default: try cursor.skipValue()
                }
            }
            #expect(seen == ["a", "b", "c", "d"])
            #expect(try cursor.atEnd())
        }
    }

    @Test func surrogatePairsDecode() throws {
        let text = try withCursor(#""\ud83d\ude00 ok""#) { cursor throws in try cursor.string().text }
        #expect(text == "😀 ok")
    }

    @Test func malformedJSONIsReported() {
        for text in [#"{"a" 1}"#, #"{"a": [1, 2}"#, #"{"a": tru}"#, #"{"a": 1,}"#, #"{"a": 1 "b": 2}"#] {
            withCursor(text) { cursor in
                do {
                    try cursor.enterObject()
                    var first = true
                    while try cursor.nextKey(&first) != nil { try cursor.skipValue() }
                    Issue.record("accepted \(text)")
                } catch JSONFault.malformed {
                } catch {
                    Issue.record("\(text): \(error)")
                }
            }
        }
    }

    @Test func valuesCutByTheBufferEndAskForMoreInput() {
        // Each prefix of a complete document ends inside some value: never malformed, always incomplete.
        let text = #"{"resourceType": "Observation", "valueQuantity": {"value": 120.5, "unit": "mm[Hg]"}, "component": [{"a": true}]}"#
        for cut in 1..<text.utf8.count {
            let prefix = String(decoding: Array(text.utf8)[0..<cut], as: UTF8.self)
            withCursor(prefix) { cursor in
                do {
                    try cursor.skipValue()
                    Issue.record("a prefix of \(cut) bytes parsed as complete")
                } catch JSONFault.incomplete {
                } catch {
                    Issue.record("prefix of \(cut) bytes: \(error)")
                }
            }
        }
    }
}
