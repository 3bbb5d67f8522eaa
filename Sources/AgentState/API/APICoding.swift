import Foundation

/// The API's JSON: snake_case field names, times in ISO 8601 with milliseconds (UTC).
public enum APICoding {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(date.formatted(timeFormat))
        }
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = parseTime(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(text)' is not an ISO 8601 time")
            }
            return date
        }
        return d
    }()

    public static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Accepts ISO 8601 with or without fractional seconds.
    public static func parseTime(_ text: String) -> Date? {
        if let d = try? timeFormat.parse(text) { return d.wholeMilliseconds }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
        return nil
    }
}
