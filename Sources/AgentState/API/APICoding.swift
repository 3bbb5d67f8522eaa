import Foundation

/// The API's JSON: snake_case field names, times in ISO 8601 with milliseconds (UTC).
public enum APICoding {
    public static let encoder = makeEncoder(pretty: false)
    /// The same form, indented for people (the CLI's `--json`).
    public static let prettyEncoder = makeEncoder(pretty: true)

    private static func makeEncoder(pretty: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(format(date))
        }
        return e
    }

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

    /// `2026-11-22T01:05:32.578Z`, exact to the millisecond. (Foundation's ISO 8601 style cuts
    /// the binary fraction and can print .122 for a stored .123.)
    public static func format(_ date: Date) -> String {
        var w = JSONWriter(capacity: 32)
        w.date(date)
        return String(decoding: w.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Accepts ISO 8601 with or without fractional seconds.
    public static func parseTime(_ text: String) -> Date? {
        if let d = try? timeFormat.parse(text) { return d.wholeMilliseconds }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
        return nil
    }
}
