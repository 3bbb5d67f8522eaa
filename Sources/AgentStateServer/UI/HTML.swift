import AgentState
import Foundation
import Hummingbird
import NIOCore

/// What the operator page's templates (`Templates`) are given: every value goes into them as
/// text and is escaped there by `escape`; the markup is the templates' own.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        // By Unicode scalar, not by Character: a quote followed by a combining mark is one
        // Character, and must still be escaped.
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A query string value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// A time for the `time` template.
    struct Time {
        let iso: String
        let text: String
    }

    static func time(_ date: Date) -> Time {
        Time(iso: date.formatted(APICoding.timeFormat), text: formatter.string(from: date))
    }

    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()

    /// A JSON value as the `json` template shows it: pretty, keys sorted.
    static func json(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        return String(decoding: (try? JSONEncoder.pretty.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// An error as the templates show it.
    struct Failure {
        let kind: String
        let message: String
        init(_ error: ErrorInfo) {
            kind = error.kind
            message = error.message
        }
    }

    /// What the page around every view shows of the signed-in operator.
    struct Navigation {
        let tenant: String
        let who: String
        let role: String
        let csrf: String
    }

    struct Page {
        let title: String
        let session: Navigation?
        let flash: String?
        let body: String
    }

    /// A whole page: `template` rendered from `view`, inside the navigation, the tenant and the
    /// sign-out form.
    static func page(_ title: String, session: UISession?, flash: String? = nil, _ template: String, _ view: Any,
                     status: HTTPResponse.Status = .ok) -> Response {
        let navigation = session.map { s in
            Navigation(tenant: s.tenant, who: s.key.name ?? s.key.id, role: s.key.role.rawValue, csrf: s.csrf)
        }
        let body = Templates.render(view, template)
        return response(Templates.render(Page(title: title, session: navigation, flash: flash, body: body), "page"), status: status)
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            // The page needs nothing from elsewhere and may not be framed.
            .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
            .cacheControl: "no-store",
        ], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}

extension JSONEncoder {
    static let pretty: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
