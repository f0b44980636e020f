/// Reads one FHIR R4 resource from a cursor and hands what the study needs to the extractor.
///
/// Parsing and handing over are separate steps (`parse` returns a `ParsedResource` that
/// points into the reader's buffer; `deliver` passes it on) because the streaming reader may
/// have to parse a unit twice when it straddles a buffer refill; nothing reaches the extractor
/// until the whole unit has been read.
///
/// Read: Patient (id, gender, birthDate, deceased[x], address), Observation (code, subject,
/// effective[x]/issued, valueQuantity, valueCodeableConcept, valueString, component[]),
/// Condition (code, subject, onset[x]/recordedDate, clinicalStatus, verificationStatus,
/// abatement[x]), MedicationRequest
/// (medicationCodeableConcept, subject, authoredOn) and Encounter (subject, period.start).
/// Every other resource is counted and skipped.
struct FHIRResourceReader {
    let matcher: CodingMatcher
    /// Dates without a time are days in the study's zone.
    let zone: StudyTimeZone

    init(index: StudyIndex) {
        matcher = CodingMatcher(index: index)
        zone = index.study.timeZone
    }

    /// Resource types of DSTU2 and STU3 that R4 removed: a bundle holding them is not R4.
    private static let preR4Types: Set<String> = [
        "MedicationOrder", "DiagnosticOrder", "ProcedureRequest", "ReferralRequest", "DeviceUseRequest", "Order",
        "OrderResponse", "ProcessRequest", "ProcessResponse", "EligibilityRequest", "EligibilityResponse",
        "DeviceComponent", "DataElement", "Conformance"
    ]

    struct Quantity {
        var value: Double?
        /// <, <=, >= or > for a censored result (a bound, not the value).
        var comparator: JSONString?
        var unit: JSONString?
        var code: JSONString?
        var system: JSONString?

        /// The UCUM code when the quantity names UCUM (or no system), else its display unit.
        var unitText: String? {
            if let code, system == nil || system!.equals("http://unitsofmeasure.org") { return code.text }
            return unit?.text
        }
    }

    /// One coding of a CodeableConcept, as it lies in the buffer.
    struct Coding {
        var system: JSONString?
        var code: JSONString?
        var display: JSONString?
    }

    /// A Condition's status elements, as they lie in the buffer.
    struct ConditionStatusText {
        var verification: JSONString?
        var clinical: JSONString?
        /// abatementDateTime, or the start of abatementPeriod.
        var abatement: JSONString?
        /// abatementBoolean true, abatementString or abatementAge: ended, date unknown.
        var abatedUndated = false
    }

    /// A coded element's value: where it lies, read only if the code matched.
    struct ObservedValue {
        var slots: [Int32] = []
        var quantity: Quantity?
        var codedValueOffset: Int?
        var stringValue: JSONString?
    }

    enum ParsedResource {
        case patient(
            id: JSONString?, gender: JSONString?, birthDate: JSONString?, deathTime: JSONString?, deceased: Bool,
            place: (city: JSONString?, district: JSONString?, postalCode: JSONString?, state: JSONString?))
        case observation(id: JSONString?, subject: JSONString?, time: JSONString?, value: ObservedValue, components: [ObservedValue], voided: Bool)
        case condition(
            id: JSONString?, subject: JSONString?, time: JSONString?, slots: [Int32], status: ConditionStatusText,
            codings: [Coding])
        case medication(id: JSONString?, subject: JSONString?, time: JSONString?, slots: [Int32], voided: Bool)
        case encounter(subject: JSONString?, start: JSONString?)
        case other(type: JSONString)
        /// Read to the end, but not an R4 resource the study can use.
        case invalid(kind: String, resource: String, reason: String)
    }

    // MARK: Parsing

    /// Parses the resource object at the cursor.
    func parse(_ cursor: inout JSONCursor) throws(JSONFault) -> ParsedResource {
        let objectStart = cursor.position
        try cursor.enterObject()
        var first = true
        guard let firstKey = try cursor.nextKey(&first) else {
            return .invalid(kind: RecordErrorKind.notFHIRR4, resource: "resource", reason: "empty resource ({}) without resourceType")
        }
        let type: JSONString
        if firstKey.equals("resourceType") {
            type = try cursor.string()
        } else {
            // resourceType is not first: find it, then read the object again knowing its type.
            try cursor.skipValue()
            var found: JSONString?
            while let key = try cursor.nextKey(&first) {
                if key.equals("resourceType") { found = try cursor.string() } else { try cursor.skipValue() }
            }
            guard let found else {
                return .invalid(kind: RecordErrorKind.notFHIRR4, resource: "resource", reason: "object without resourceType is not a FHIR resource")
            }
            type = found
            cursor.position = objectStart
            try cursor.enterObject()
            first = true
        }
        if type.equals("Observation") { return try observation(&cursor, first: &first) }
        if type.equals("Patient") { return try patient(&cursor, first: &first) }
        if type.equals("Condition") { return try condition(&cursor, first: &first) }
        if type.equals("Encounter") { return try encounter(&cursor, first: &first) }
        if type.equals("MedicationRequest") { return try medication(&cursor, first: &first) }
        while try cursor.nextKey(&first) != nil { try cursor.skipValue() }
        if Self.preR4Types.contains(type.text) {
            return .invalid(
                kind: RecordErrorKind.notFHIRR4, resource: type.text,
                reason: "\(type.text) is a DSTU2/STU3 resource type that FHIR R4 does not have; export the data as FHIR R4")
        }
        return .other(type: type)
    }

    private func patient(_ cursor: inout JSONCursor, first: inout Bool) throws(JSONFault) -> ParsedResource {
        var id: JSONString?
        var gender: JSONString?
        var birthDate: JSONString?
        var deathTime: JSONString?
        var deceased = false
        var place: (city: JSONString?, district: JSONString?, postalCode: JSONString?, state: JSONString?) = (nil, nil, nil, nil)
        while let key = try cursor.nextKey(&first) {
            if key.equals("id") {
                id = try cursor.string()
            } else if key.equals("gender") {
                gender = try cursor.optionalString()
            } else if key.equals("birthDate") {
                birthDate = try cursor.optionalString()
            } else if key.equals("deceasedDateTime") {
                deathTime = try cursor.optionalString()
                deceased = deathTime != nil
            } else if key.equals("deceasedBoolean") {
                deceased = try cursor.bool()
            } else if key.equals("address") {
                try cursor.enterArray()
                var firstAddress = true
                var index = 0
                while try cursor.nextElement(&firstAddress) {
                    guard index == 0 else {
                        try cursor.skipValue()
                        continue
                    }
                    index += 1
                    try cursor.enterObject()
                    var firstField = true
                    while let field = try cursor.nextKey(&firstField) {
                        if field.equals("city") {
                            place.city = try cursor.optionalString()
                        } else if field.equals("district") {
                            place.district = try cursor.optionalString()
                        } else if field.equals("postalCode") {
                            place.postalCode = try cursor.optionalString()
                        } else if field.equals("state") {
                            place.state = try cursor.optionalString()
                        } else {
                            try cursor.skipValue()
                        }
                    }
                }
            } else {
                try cursor.skipValue()
            }
        }
        return .patient(id: id, gender: gender, birthDate: birthDate, deathTime: deathTime, deceased: deceased, place: place)
    }

    private func observation(_ cursor: inout JSONCursor, first: inout Bool) throws(JSONFault) -> ParsedResource {
        var id: JSONString?
        var subject: JSONString?
        var effective: JSONString?
        var issued: JSONString?
        var value = ObservedValue()
        var components = [ObservedValue]()
        var voided = false
        while let key = try cursor.nextKey(&first) {
            if key.equals("code") {
                try codes(&cursor, kind: .observation, into: &value.slots)
            } else if key.equals("subject") {
                subject = try reference(&cursor)
            } else if key.equals("effectiveDateTime") || key.equals("effectiveInstant") {
                effective = try cursor.optionalString()
            } else if key.equals("effectivePeriod") {
                effective = try periodStart(&cursor)
            } else if key.equals("issued") {
                issued = try cursor.optionalString()
            } else if key.equals("id") {
                id = try cursor.string()
            } else if key.equals("status") {
                voided = Self.isVoided(try cursor.string())
            } else if key.hasPrefix("value") {
                try self.value(key, &cursor, into: &value)
            } else if key.equals("component") {
                try cursor.enterArray()
                var firstComponent = true
                while try cursor.nextElement(&firstComponent) {
                    var component = ObservedValue()
                    try cursor.enterObject()
                    var firstField = true
                    while let field = try cursor.nextKey(&firstField) {
                        if field.equals("code") {
                            try codes(&cursor, kind: .observation, into: &component.slots)
                        } else if field.hasPrefix("value") {
                            try self.value(field, &cursor, into: &component)
                        } else {
                            try cursor.skipValue()
                        }
                    }
                    if !component.slots.isEmpty { components.append(component) }
                }
            } else {
                try cursor.skipValue()
            }
        }
        return .observation(id: id, subject: subject, time: effective ?? issued, value: value, components: components, voided: voided)
    }

    private func condition(_ cursor: inout JSONCursor, first: inout Bool) throws(JSONFault) -> ParsedResource {
        var id: JSONString?
        var subject: JSONString?
        var onset: JSONString?
        var recorded: JSONString?
        var slots = [Int32]()
        var codings = [Coding]()
        var status = ConditionStatusText()
        while let key = try cursor.nextKey(&first) {
            if key.equals("code") {
                try codes(&cursor, kind: .condition, into: &slots, codings: &codings)
            } else if key.equals("subject") {
                subject = try reference(&cursor)
            } else if key.equals("onsetDateTime") {
                onset = try cursor.optionalString()
            } else if key.equals("onsetPeriod") {
                onset = try periodStart(&cursor)
            } else if key.equals("recordedDate") {
                recorded = try cursor.optionalString()
            } else if key.equals("id") {
                id = try cursor.string()
            } else if key.equals("abatementDateTime") {
                status.abatement = try cursor.optionalString()
            } else if key.equals("abatementPeriod") {
                status.abatement = try periodStart(&cursor)
            } else if key.equals("abatementBoolean") {
                status.abatedUndated = try cursor.bool()
            } else if key.equals("abatementString") || key.equals("abatementAge") || key.equals("abatementRange") {
                try cursor.skipValue()
                status.abatedUndated = true
            } else if key.equals("verificationStatus") || key.equals("clinicalStatus") {
                if try cursor.peek() == UInt8(ascii: "\"") {
                    _ = try cursor.string()
                    while try cursor.nextKey(&first) != nil { try cursor.skipValue() }
                    return .invalid(
                        kind: RecordErrorKind.notFHIRR4, resource: "Condition/\(id?.text ?? "?")",
                        reason: "\(key.text) is a plain code (DSTU2/STU3); FHIR R4 makes it a CodeableConcept: export as R4")
                }
                var statusCodes = [JSONString]()
                try codingCodes(&cursor, into: &statusCodes)
                if key.equals("verificationStatus") { status.verification = statusCodes.first } else { status.clinical = statusCodes.first }
            } else if key.equals("patient") {
                try cursor.skipValue()
                while try cursor.nextKey(&first) != nil { try cursor.skipValue() }
                return .invalid(
                    kind: RecordErrorKind.notFHIRR4, resource: "Condition/\(id?.text ?? "?")",
                    reason: "Condition.patient is DSTU2; FHIR R4 uses Condition.subject: export as R4")
            } else {
                try cursor.skipValue()
            }
        }
        return .condition(id: id, subject: subject, time: onset ?? recorded, slots: slots, status: status, codings: codings)
    }

    private func medication(_ cursor: inout JSONCursor, first: inout Bool) throws(JSONFault) -> ParsedResource {
        var id: JSONString?
        var subject: JSONString?
        var authored: JSONString?
        var slots = [Int32]()
        var voided = false
        while let key = try cursor.nextKey(&first) {
            if key.equals("medicationCodeableConcept") {
                try codes(&cursor, kind: .medication, into: &slots)
            } else if key.equals("subject") {
                subject = try reference(&cursor)
            } else if key.equals("authoredOn") {
                authored = try cursor.optionalString()
            } else if key.equals("id") {
                id = try cursor.string()
            } else if key.equals("status") {
                voided = Self.isVoided(try cursor.string())
            } else {
                try cursor.skipValue()
            }
        }
        return .medication(id: id, subject: subject, time: authored, slots: slots, voided: voided)
    }

    private func encounter(_ cursor: inout JSONCursor, first: inout Bool) throws(JSONFault) -> ParsedResource {
        var subject: JSONString?
        var start: JSONString?
        while let key = try cursor.nextKey(&first) {
            if key.equals("subject") {
                subject = try reference(&cursor)
            } else if key.equals("period") {
                start = try periodStart(&cursor)
            } else {
                try cursor.skipValue()
            }
        }
        return .encounter(subject: subject, start: start)
    }

    private static func isVoided(_ status: JSONString) -> Bool {
        status.equals("entered-in-error") || status.equals("cancelled")
    }

    // MARK: Elements

    /// A CodeableConcept's codings matched against the study, appended to `slots`.
    private func codes(_ cursor: inout JSONCursor, kind: StudyIndex.RecordKind, into slots: inout [Int32]) throws(JSONFault) {
        var ignored: [Coding]?
        try codes(&cursor, kind: kind, into: &slots, keeping: &ignored)
    }

    /// The same, keeping every coding (a Condition's, for the codes that look related but are not in the study).
    private func codes(
        _ cursor: inout JSONCursor, kind: StudyIndex.RecordKind, into slots: inout [Int32],
        codings: inout [Coding]
    ) throws(JSONFault) {
        var kept: [Coding]? = []
        try codes(&cursor, kind: kind, into: &slots, keeping: &kept)
        codings = kept ?? []
    }

    private func codes(
        _ cursor: inout JSONCursor, kind: StudyIndex.RecordKind, into slots: inout [Int32],
        keeping codings: inout [Coding]?
    ) throws(JSONFault) {
        try cursor.enterObject()
        var first = true
        while let key = try cursor.nextKey(&first) {
            guard key.equals("coding") else {
                try cursor.skipValue()
                continue
            }
            try cursor.enterArray()
            var firstCoding = true
            while try cursor.nextElement(&firstCoding) {
                var coding = Coding()
                try cursor.enterObject()
                var firstField = true
                while let field = try cursor.nextKey(&firstField) {
                    if field.equals("system") {
                        coding.system = try cursor.optionalString()
                    } else if field.equals("code") {
                        coding.code = try cursor.optionalString()
                    } else if field.equals("display"), codings != nil {
                        coding.display = try cursor.optionalString()
                    } else {
                        try cursor.skipValue()
                    }
                }
                matcher.match(system: coding.system, code: coding.code, kind: kind, into: &slots)
                codings?.append(coding)
            }
        }
    }

    /// The `code` of every coding of a CodeableConcept (status elements).
    private func codingCodes(_ cursor: inout JSONCursor, into codes: inout [JSONString]) throws(JSONFault) {
        try cursor.enterObject()
        var first = true
        while let key = try cursor.nextKey(&first) {
            guard key.equals("coding") else {
                try cursor.skipValue()
                continue
            }
            try cursor.enterArray()
            var firstCoding = true
            while try cursor.nextElement(&firstCoding) {
                try cursor.enterObject()
                var firstField = true
                while let field = try cursor.nextKey(&firstField) {
                    if field.equals("code"), let code = try cursor.optionalString() { codes.append(code) } else { try cursor.skipValue() }
                }
            }
        }
    }

    private func reference(_ cursor: inout JSONCursor) throws(JSONFault) -> JSONString? {
        var reference: JSONString?
        try cursor.enterObject()
        var first = true
        while let key = try cursor.nextKey(&first) {
            if key.equals("reference") { reference = try cursor.optionalString() } else { try cursor.skipValue() }
        }
        return reference
    }

    private func periodStart(_ cursor: inout JSONCursor) throws(JSONFault) -> JSONString? {
        var start: JSONString?
        try cursor.enterObject()
        var first = true
        while let key = try cursor.nextKey(&first) {
            if key.equals("start") { start = try cursor.optionalString() } else { try cursor.skipValue() }
        }
        return start
    }

    private func value(_ key: JSONString, _ cursor: inout JSONCursor, into value: inout ObservedValue) throws(JSONFault) {
        if key.equals("valueQuantity") {
            var quantity = Quantity()
            try cursor.enterObject()
            var first = true
            while let field = try cursor.nextKey(&first) {
                if field.equals("value") {
                    quantity.value = try cursor.number()
                } else if field.equals("comparator") {
                    quantity.comparator = try cursor.optionalString()
                } else if field.equals("unit") {
                    quantity.unit = try cursor.optionalString()
                } else if field.equals("code") {
                    quantity.code = try cursor.optionalString()
                } else if field.equals("system") {
                    quantity.system = try cursor.optionalString()
                } else {
                    try cursor.skipValue()
                }
            }
            value.quantity = quantity
        } else if key.equals("valueCodeableConcept") {
            _ = try cursor.peek()
            value.codedValueOffset = cursor.offset
            try cursor.skipValue()
        } else if key.equals("valueString") {
            value.stringValue = try cursor.optionalString()
        } else if key.equals("valueInteger") || key.equals("valueDecimal") {
            value.quantity = Quantity(value: try cursor.number())
        } else if key.equals("valueBoolean") {
            value.quantity = Quantity(value: try cursor.bool() ? 1 : 0)
        } else {
            try cursor.skipValue()
        }
    }

    // MARK: Delivery

    /// Hands a parsed resource to the extractor. `location` names the entry for messages.
    func deliver(
        _ resource: ParsedResource, fullURL: JSONString?, buffer: JSONCursor, location: String,
        to extractor: CohortExtractor
    ) {
        switch resource {
        case .patient(let id, let gender, let birthDate, let deathTime, let deceased, let place):
            guard let patientID = id.map(\.text) ?? fullURL.map(FHIRReference.patientID) else {
                extractor.report(kind: RecordErrorKind.malformedValue, resource: "Patient (\(location))", reason: "Patient without id; skipped")
                return
            }
            extractor.countResource("Patient")
            var birth: CivilDate?
            if let birthDate {
                // A birth date is a calendar date: read in UTC, its day is the date written.
                guard let instant = birthDate.withText({ ISO8601Text.instant($0) }) else {
                    extractor.report(
                        kind: RecordErrorKind.badDate, resource: "Patient/\(patientID)",
                        reason: "birthDate '\(birthDate.text)' is not a FHIR date (YYYY-MM-DD)")
                    extractor.patient(id: patientID, birthDate: nil, sex: gender?.text, death: nil, place: Self.place(place))
                    return
                }
                birth = CivilDate(instant: instant)
            }
            var death: Int64?
            if let deathTime { death = deathTime.withText { ISO8601Text.instant($0, zone: zone) } }
            if deceased, death == nil { death = Int64.min }
            extractor.patient(id: patientID, birthDate: birth, sex: gender?.text, death: death, place: Self.place(place))

        case .observation(let id, let subject, let time, let value, let components, let voided):
            extractor.countResource("Observation")
            guard !value.slots.isEmpty || !components.isEmpty, !voided else {
                extractor.countNotInStudy()
                return
            }
            let resourceName = { "Observation/\(id?.text ?? "?")" }
            guard let patient = patientID(subject, resourceName(), extractor),
                let instant = instant(time, resourceName(), extractor)
            else { return }
            if !value.slots.isEmpty { deliverValue(value, patient: patient, time: instant, buffer: buffer, resource: resourceName(), to: extractor) }
            for component in components {
                deliverValue(component, patient: patient, time: instant, buffer: buffer, resource: resourceName(), to: extractor)
            }

        case .condition(let id, let subject, let time, let slots, let statusText, let codings):
            extractor.countResource("Condition")
            let resourceName = "Condition/\(id?.text ?? "?")"
            guard let status = conditionStatus(statusText, resourceName, extractor) else { return }
            guard !slots.isEmpty, !status.verification.isNegated else {
                if !status.verification.isNegated {
                    for coding in codings {
                        guard let system = coding.system, let code = coding.code else { continue }
                        extractor.conditionNotInStudy(ClinicalCode(CodeSystem(uri: system.text), code.text), display: coding.display?.text)
                    }
                }
                extractor.countNotInStudy()
                return
            }
            guard let patient = patientID(subject, resourceName, extractor), let instant = instant(time, resourceName, extractor) else { return }
            extractor.condition(patient: patient, slots: slots, time: instant, status: status)

        case .medication(let id, let subject, let time, let slots, let voided):
            extractor.countResource("MedicationRequest")
            guard !slots.isEmpty, !voided else {
                extractor.countNotInStudy()
                return
            }
            let resourceName = "MedicationRequest/\(id?.text ?? "?")"
            guard let patient = patientID(subject, resourceName, extractor), let instant = instant(time, resourceName, extractor) else { return }
            extractor.presence(patient: patient, slots: slots, time: instant)

        case .encounter(let subject, let start):
            extractor.countResource("Encounter")
            guard let subject, let start, let instant = start.withText({ ISO8601Text.instant($0, zone: zone) }) else { return }
            extractor.encounter(patient: FHIRReference.patientID(subject), time: instant)

        case .other(let type):
            extractor.countResource(type.text)

        case .invalid(let kind, let resource, let reason):
            extractor.countResource(resource.split(separator: "/").first.map(String.init) ?? resource)
            extractor.report(kind: kind, resource: "\(resource) (\(location))", reason: reason)
        }
    }

    private func deliverValue(
        _ value: ObservedValue, patient: String, time: Int64, buffer: JSONCursor, resource: String,
        to extractor: CohortExtractor
    ) {
        if let quantity = value.quantity {
            guard let number = quantity.value else {
                extractor.report(kind: RecordErrorKind.malformedValue, resource: resource, reason: "valueQuantity without a value; skipped")
                return
            }
            extractor.quantity(
                patient: patient, slots: value.slots, time: time, value: number, unit: quantity.unitText,
                comparator: quantity.comparator?.text, resource: resource)
        } else if let offset = value.codedValueOffset {
            var cursor = buffer
            cursor.position = buffer.base + offset
            var codes = [ClinicalCode]()
            var text: String?
            do {
                try cursor.enterObject()
                var first = true
                while let key = try cursor.nextKey(&first) {
                    if key.equals("text") {
                        text = try cursor.optionalString()?.text
                        continue
                    }
                    guard key.equals("coding") else {
                        try cursor.skipValue()
                        continue
                    }
                    try cursor.enterArray()
                    var firstCoding = true
                    while try cursor.nextElement(&firstCoding) {
                        var system: JSONString?
                        var code: JSONString?
                        var display: JSONString?
                        try cursor.enterObject()
                        var firstField = true
                        while let field = try cursor.nextKey(&firstField) {
                            if field.equals("system") {
                                system = try cursor.optionalString()
                            } else if field.equals("code") {
                                code = try cursor.optionalString()
                            } else if field.equals("display") {
                                display = try cursor.optionalString()
                            } else {
                                try cursor.skipValue()
                            }
                        }
                        if let found = matcher.code(system: system, code: code) { codes.append(found) }
                        if text == nil { text = display?.text }
                    }
                }
            } catch {
                // Already parsed once as part of the unit: cannot fail here.
            }
            extractor.coded(patient: patient, slots: value.slots, time: time, codes: codes, text: text, resource: resource)
        } else if let string = value.stringValue {
            extractor.coded(patient: patient, slots: value.slots, time: time, codes: [], text: string.text, resource: resource)
        } else {
            extractor.report(kind: RecordErrorKind.malformedValue, resource: resource, reason: "no value[x] for a study code; skipped")
        }
    }

    /// The condition's verification, abatement and clinical status; nil (reported) when the
    /// abatement date cannot be read.
    private func conditionStatus(
        _ text: ConditionStatusText, _ resource: @autoclosure () -> String,
        _ extractor: CohortExtractor
    ) -> ConditionRecordStatus? {
        var status = ConditionRecordStatus.unknown
        if let code = text.verification {
            guard let verification = VerificationStatus(rawValue: code.text) else {
                extractor.report(
                    kind: RecordErrorKind.malformedValue, resource: resource(),
                    reason:
                        "verificationStatus '\(code.text)' is not one of \(VerificationStatus.allCases.filter { $0 != .unknown }.map(\.rawValue).joined(separator: ", ")); skipped"
                )
                return nil
            }
            status.verification = verification
        }
        if let abatement = text.abatement {
            guard let instant = abatement.withText({ ISO8601Text.instant($0, zone: zone) }) else {
                extractor.report(kind: RecordErrorKind.badDate, resource: resource(), reason: "abatement '\(abatement.text)' is not a FHIR dateTime; skipped")
                return nil
            }
            status.abatement = instant
        }
        let ended = text.clinical.map { $0.equals("resolved") || $0.equals("inactive") || $0.equals("remission") } ?? false
        status.ended = text.abatedUndated || ended
        return status
    }

    private func patientID(_ subject: JSONString?, _ resource: @autoclosure () -> String, _ extractor: CohortExtractor) -> String? {
        guard let subject else {
            extractor.report(kind: RecordErrorKind.orphanRecord, resource: resource(), reason: "no subject reference; skipped")
            return nil
        }
        return FHIRReference.patientID(subject)
    }

    private func instant(_ time: JSONString?, _ resource: @autoclosure () -> String, _ extractor: CohortExtractor) -> Int64? {
        guard let time else { return ClinicalEvent.undated }
        guard let instant = time.withText({ ISO8601Text.instant($0, zone: zone) }) else {
            extractor.report(kind: RecordErrorKind.badDate, resource: resource(), reason: "date '\(time.text)' is not a FHIR dateTime; skipped")
            return nil
        }
        return instant
    }

    private static func place(_ place: (city: JSONString?, district: JSONString?, postalCode: JSONString?, state: JSONString?)) -> PatientPlace {
        PatientPlace(city: place.city?.text, county: place.district?.text, postalCode: place.postalCode?.text, state: place.state?.text)
    }
}

extension JSONString {
    /// Runs `body` on the raw bytes (dates and numbers never need unescaping).
    func withText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result { body(bytes) }
}
