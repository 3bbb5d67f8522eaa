import AgentState
import Foundation

/// One query parameter as the OpenAPI document declares it: its type and the bounds, choices,
/// pattern or format its schema gives. A value outside them is refused, never read as the
/// nearest thing that fits.
struct QueryRule: Sendable {
    enum Kind: Sendable {
        case integer(minimum: Int64, maximum: Int64)
        case boolean
        case string(choices: [String]?, pattern: Pattern?, dateTime: Bool)
    }

    /// A compiled `pattern`; a `Regex` is a value never changed after it is made.
    struct Pattern: @unchecked Sendable {
        let source: String
        let regex: Regex<AnyRegexOutput>
    }

    let name: String
    let kind: Kind

    /// The rule for a parameter object of the document, or `nil` for one it cannot read.
    init?(_ parameter: JSONValue) {
        guard let name = parameter["name"]?.stringValue, let schema = parameter["schema"] else { return nil }
        self.name = name
        switch schema["type"]?.stringValue {
        case "integer":
            kind = .integer(minimum: Self.bound(schema["minimum"]) ?? .min, maximum: Self.bound(schema["maximum"]) ?? .max)
        case "boolean":
            kind = .boolean
        case "string":
            let pattern = schema["pattern"]?.stringValue.flatMap { source in (try? Regex(source)).map { Pattern(source: source, regex: $0) } }
            kind = .string(choices: schema["enum"]?.arrayValue?.compactMap(\.stringValue), pattern: pattern,
                           dateTime: schema["format"]?.stringValue == "date-time")
        default:
            return nil
        }
    }

    private static func bound(_ value: JSONValue?) -> Int64? {
        switch value {
        case .int(let n): n
        // The document writes Int64.max, which the parser reads exactly; a double bound is whole.
        case .double(let d): Int64(exactly: d.rounded())
        default: nil
        }
    }

    /// Refuses `value` unless the schema allows it, naming the parameter.
    func check(_ value: String) throws {
        switch kind {
        case .integer(let minimum, let maximum):
            guard let n = Int64(value) else { throw AgentStateError.invalidInput(field: name, "'\(value)' is not an integer") }
            guard n >= minimum, n <= maximum else {
                throw AgentStateError.invalidInput(field: name, "\(n) is out of range: \(Self.range(minimum, maximum))")
            }
        case .boolean:
            guard value == "true" || value == "false" else { throw AgentStateError.invalidInput(field: name, "'\(value)' is not true or false") }
        case .string(let choices, let pattern, let dateTime):
            if let choices, !choices.contains(value) {
                throw AgentStateError.invalidInput(field: name, "'\(value)' is not one of \(choices.joined(separator: ", "))")
            }
            if let pattern, (try? pattern.regex.firstMatch(in: value)) == nil {
                throw AgentStateError.invalidInput(field: name, "'\(value)' does not match \(pattern.source)")
            }
            if dateTime, APICoding.parseTime(value) == nil {
                throw AgentStateError.invalidInput(field: name, "'\(value)' is not an ISO 8601 time")
            }
        }
    }

    private static func range(_ minimum: Int64, _ maximum: Int64) -> String {
        switch (minimum, maximum) {
        case (.min, let hi): "at most \(hi)"
        case (let lo, .max): "at least \(lo)"
        default: "\(minimum) to \(maximum)"
        }
    }
}
