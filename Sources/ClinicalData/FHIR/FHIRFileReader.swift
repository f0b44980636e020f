/// Streams one FHIR file (a Bundle as `.json`, or bulk-data `.ndjson` with one resource per
/// line) into the extractor, a buffer-full at a time.
///
/// The file is parsed in units: each top-level member of the Bundle, each `entry`, each
/// NDJSON resource. A unit that runs past the end of the buffer is parsed again after the
/// buffer is refilled (and grown if one unit is larger than it), so the reader never holds
/// more than one chunk plus one entry, whatever the file's size. A file that turns out not to
/// be JSON, or not a FHIR Bundle, is abandoned as a whole: its partial contents are dropped
/// and the error is recorded with the byte offset where it was found.
struct FHIRFileReader {
    let resources: FHIRResourceReader
    let chunkSize: Int

    enum Format {
        case bundle
        case ndjson
    }

    private enum State {
        case start
        case rootMembers(first: Bool)
        case entries(first: Bool)
        case trailing
        case ndjson
    }

    private struct FileFailure: Error {
        var kind: String
        var reason: String
    }

    /// Reads `path`; returns the bytes read.
    @discardableResult
    func read(_ path: String, format: Format, into extractor: CohortExtractor) -> Int {
        let file: ChunkedFile
        do {
            file = try ChunkedFile(path: path, chunkSize: chunkSize)
        } catch {
            extractor.beginFile(path, bytes: 0)
            extractor.abandonFile(
                RecordError(
                    kind: RecordErrorKind.unreadableFile, file: path, resource: "file",
                    reason: "cannot be opened (\(error.reason)); check permissions"))
            return 0
        }
        extractor.beginFile(path, bytes: 0)
        do {
            try stream(file, format: format, into: extractor)
            extractor.countBytes(file.totalBytes)
            extractor.commitFile(finalizingPatients: format == .bundle)
        } catch let failure as FileFailure {
            extractor.countBytes(file.totalBytes)
            extractor.abandonFile(RecordError(kind: failure.kind, file: path, resource: format == .bundle ? "Bundle" : "file", reason: failure.reason))
        } catch {
            extractor.abandonFile(RecordError(kind: RecordErrorKind.unreadableFile, file: path, resource: "file", reason: "\(error)"))
        }
        return file.totalBytes
    }

    private func stream(_ file: ChunkedFile, format: Format, into extractor: CohortExtractor) throws {
        var state: State = format == .bundle ? .start : .ndjson
        var consumed = 0
        var entryNumber = 0
        var bundleChecked = false
        _ = try refill(file, consumed: &consumed)
        while true {
            var cursor = JSONCursor(file.bytes, offset: consumed)
            do {
                switch state {
                case .start:
                    // A UTF-8 byte order mark is tolerated.
                    if file.count - consumed >= 3, file.buffer[consumed] == 0xEF, file.buffer[consumed + 1] == 0xBB, file.buffer[consumed + 2] == 0xBF {
                        cursor.position += 3
                    }
                    guard try cursor.peek() == UInt8(ascii: "{") else {
                        throw FileFailure(
                            kind: RecordErrorKind.notFHIRR4,
                            reason: "starts with \(cursor.describeNext()), not a JSON object; a FHIR Bundle is a JSON object with resourceType Bundle")
                    }
                    try cursor.enterObject()
                    state = .rootMembers(first: true)

                case .rootMembers(let isFirst):
                    var first = isFirst
                    guard let key = try cursor.nextKey(&first) else {
                        guard bundleChecked else {
                            throw FileFailure(kind: RecordErrorKind.notFHIRR4, reason: "JSON object without resourceType; not a FHIR Bundle")
                        }
                        state = .trailing
                        break
                    }
                    if key.equals("resourceType") {
                        let type = try cursor.string()
                        guard type.equals("Bundle") else {
                            throw FileFailure(
                                kind: RecordErrorKind.notFHIRR4,
                                reason: "is a \(type.text) resource, not a Bundle; export Bundles (.json) or bulk NDJSON (.ndjson)")
                        }
                        bundleChecked = true
                        state = .rootMembers(first: false)
                    } else if key.equals("entry") {
                        try cursor.enterArray()
                        state = .entries(first: true)
                    } else {
                        try cursor.skipValue()
                        state = .rootMembers(first: false)
                    }

                case .entries(let isFirst):
                    var first = isFirst
                    guard try cursor.nextElement(&first) else {
                        state = .rootMembers(first: false)
                        break
                    }
                    entryNumber += 1
                    let (resource, fullURL) = try entry(&cursor)
                    if let resource {
                        resources.deliver(resource, fullURL: fullURL, buffer: cursor, location: "entry \(entryNumber)", to: extractor)
                    }
                    state = .entries(first: false)

                case .trailing:
                    guard try cursor.atEnd() else {
                        throw FileFailure(
                            kind: RecordErrorKind.invalidJSON,
                            reason: "unexpected \(cursor.describeNext()) after the Bundle at byte \(file.totalBytes - file.count + cursor.offset)")
                    }
                    if file.atEndOfFile { return }
                    consumed = cursor.offset
                    _ = try refill(file, consumed: &consumed)
                    continue

                case .ndjson:
                    if try cursor.atEnd() {
                        if file.atEndOfFile { return }
                        consumed = cursor.offset
                        _ = try refill(file, consumed: &consumed)
                        continue
                    }
                    entryNumber += 1
                    let resource = try resources.parse(&cursor)
                    resources.deliver(resource, fullURL: nil, buffer: cursor, location: "line \(entryNumber)", to: extractor)
                }
                consumed = cursor.offset
            } catch JSONFault.incomplete {
                guard try refill(file, consumed: &consumed) else {
                    if case .ndjson = state, consumed == file.count { return }
                    throw FileFailure(
                        kind: RecordErrorKind.invalidJSON,
                        reason:
                            "ends in the middle of the JSON (after \(entryNumber) entries, \(file.totalBytes) bytes); the file is truncated: export or copy it again"
                    )
                }
            } catch JSONFault.malformed(let message) {
                throw FileFailure(
                    kind: RecordErrorKind.invalidJSON,
                    reason:
                        "invalid JSON at byte \(file.totalBytes - file.count + cursor.offset) (\(format == .bundle ? "entry \(entryNumber)" : "line \(entryNumber)")): \(message)"
                )
            }
        }
    }

    /// Discards the parsed part of the buffer and reads more; false at the end of the file.
    private func refill(_ file: ChunkedFile, consumed: inout Int) throws -> Bool {
        do {
            let more = try file.refill(discarding: consumed)
            consumed = 0
            return more
        } catch {
            throw FileFailure(kind: RecordErrorKind.unreadableFile, reason: "read failed (\(error.reason))")
        }
    }

    /// One Bundle entry: its resource and fullUrl.
    private func entry(_ cursor: inout JSONCursor) throws(JSONFault) -> (FHIRResourceReader.ParsedResource?, JSONString?) {
        var resource: FHIRResourceReader.ParsedResource?
        var fullURL: JSONString?
        try cursor.enterObject()
        var first = true
        while let key = try cursor.nextKey(&first) {
            if key.equals("resource") {
                resource = try resources.parse(&cursor)
            } else if key.equals("fullUrl") {
                fullURL = try cursor.optionalString()
            } else {
                try cursor.skipValue()
            }
        }
        return (resource, fullURL)
    }
}
