import AgentState
import Foundation
import Hummingbird
import NIOCore

/// HTML for the operator page, written as Swift strings: every value from the store goes
/// through `escape`, and the markup around it is the code's own.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
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

    static func time(_ date: Date?) -> String {
        guard let date else { return "–" }
        return "<time datetime=\"\(date.formatted(APICoding.timeFormat))\">\(escape(Self.formatter.string(from: date)))</time>"
    }

    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        f.timeZone = TimeZone(identifier: "UTC")
        return f
    }()

    static func json(_ value: JSONValue?) -> String {
        guard let value else { return "–" }
        let data = (try? JSONEncoder.pretty.encode(value)) ?? Data()
        return "<pre>" + escape(String(decoding: data, as: UTF8.self)) + "</pre>"
    }

    static func status(_ text: String) -> String {
        "<span class=\"status s-\(escape(text))\">\(escape(text))</span>"
    }

    static func table(_ header: [String], _ rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(escape(empty))</p>" }
        let head = header.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table>"
    }

    /// A POST form to `action` with the session's CSRF token.
    static func form(_ action: String, csrf: String, _ fields: String, button: String, style: String = "") -> String {
        """
        <form method="post" action="\(escape(action))" class="inline \(style)"><input type="hidden" name="csrf" value="\(escape(csrf))">\(fields)<button type="submit">\(escape(button))</button></form>
        """
    }

    /// A whole page: the navigation, the tenant and the sign-out form around `body`.
    static func page(_ title: String, session: UISession?, flash: String? = nil, _ body: String) -> Response {
        let nav = session.map { s in
            """
            <nav><a href="/ui/runs">Runs</a><a href="/ui/approvals">Approvals</a><a href="/ui/sessions">Sessions</a><a href="/ui/health">Health</a>
            <span class="who">tenant \(escape(s.tenant)) · \(escape(s.key.name ?? s.key.id)) (\(s.key.role.rawValue))</span>
            \(form("/ui/logout", csrf: s.csrf, "", button: "Sign out"))</nav>
            """
        } ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · AgentState</title><link rel="stylesheet" href="/ui/style.css"></head>
            <body><header><a class="brand" href="/ui">AgentState</a>\(nav)</header>
            <main><h1>\(escape(title))</h1>\(flash.map { "<p class=\"flash\">\(escape($0))</p>" } ?? "")
            \(body)
            </main></body></html>
            """
        return response(html)
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

    static let css = """
        :root { --fg: #1d2433; --muted: #5d6780; --line: #d9dde6; --bg: #f6f7fa; --accent: #2450b2; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
        header nav { display: flex; gap: 1rem; align-items: center; flex: 1; }
        header .who { margin-left: auto; color: var(--muted); font-size: .9em; }
        .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
        a { color: var(--accent); }
        main { padding: 1rem 1.5rem 3rem; max-width: 1200px; }
        h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: #fbfbfd; }
        pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: .85em; }
        .status { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; background: #e8ebf2; }
        .s-failed, .s-rejected, .s-expired, .overdue { background: #fde2e1; color: #9b1c1c; }
        .s-waiting, .s-pending, .s-running { background: #fff3cd; color: #7a5200; }
        .s-completed, .s-approved, .s-ok { background: #dcf5e3; color: #19622f; }
        .counts { display: flex; gap: .6rem; flex-wrap: wrap; margin-bottom: 1rem; }
        .counts a { padding: .3rem .7rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; }
        .counts a.on { border-color: var(--accent); }
        form.inline { display: inline-flex; gap: .3rem; align-items: center; margin: 0 .2rem 0 0; }
        form.filters { display: flex; gap: .5rem; margin-bottom: 1rem; flex-wrap: wrap; }
        input, select, button { font: inherit; padding: .25rem .5rem; }
        button { cursor: pointer; border: 1px solid var(--line); background: #fff; border-radius: 4px; }
        .approve button { background: #19622f; color: #fff; border-color: #19622f; }
        .reject button { background: #9b1c1c; color: #fff; border-color: #9b1c1c; }
        .flash { padding: .5rem .8rem; background: #e7f0ff; border: 1px solid #b9cdf5; border-radius: 4px; }
        .error { padding: .5rem .8rem; background: #fde2e1; border: 1px solid #f3b4b1; border-radius: 4px; }
        .empty { color: var(--muted); }
        .msg { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; margin: .4rem 0; }
        .msg .role { font-size: .8rem; color: var(--muted); text-transform: uppercase; }
        .msg.tool, .msg .call { background: #f3f0ff; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; padding: .8rem; border: 1px solid var(--line); }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        .login { max-width: 420px; background: #fff; padding: 1.2rem; border: 1px solid var(--line); border-radius: 6px; }
        .login input { width: 100%; margin: .4rem 0 .8rem; }
        """
}

extension JSONEncoder {
    static let pretty: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
