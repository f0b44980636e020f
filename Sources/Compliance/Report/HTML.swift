/// Escaping for text and attribute values in the report's HTML.
enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A table cell carrying its value in `data-field` form, so tests (and scripts) read the
    /// report's numbers structurally rather than by scraping text.
    static func cell(_ field: String, _ text: String, numeric: Bool = false) -> String {
        "<td data-field=\"\(field)\"\(numeric ? " class=\"num\"" : "")>\(escape(text))</td>"
    }
}
