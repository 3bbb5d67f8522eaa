import Foundation
import Mustache

/// The operator page's templates, `UI/Templates/*.mustache`, built into the binary. Each starts
/// with `{{% CONTENT_TYPE: SAFE_HTML}}`: values are escaped by `HTML.escape`, not by
/// swift-mustache's own HTML escaping, which goes by Character and so lets a quote followed by
/// a combining mark through, ending an attribute.
package enum Templates {
    private static let sources: [String: [UInt8]] = [
        "page": PackageResources.page_mustache, "login": PackageResources.login_mustache, "message": PackageResources.message_mustache,
        "status": PackageResources.status_mustache, "time": PackageResources.time_mustache, "json": PackageResources.json_mustache,
        "runs": PackageResources.runs_mustache, "run": PackageResources.run_mustache, "approvals": PackageResources.approvals_mustache,
        "sessions": PackageResources.sessions_mustache, "session": PackageResources.session_mustache, "health": PackageResources.health_mustache,
    ]

    package static let names = sources.keys.sorted()

    /// The page's style sheet, served as it is.
    static let css = String(decoding: PackageResources.style_css, as: UTF8.self)

    private static let library: MustacheLibrary = {
        MustacheContentTypes.register(SafeHTML(), named: "SAFE_HTML")
        var templates: [String: MustacheTemplate] = [:]
        for (name, bytes) in sources {
            // A template file ends with a newline that is not part of what it renders (a
            // partial inside a table cell would carry it).
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                fatalError("the template \(name).mustache does not parse: \(error)")
            }
        }
        return MustacheLibrary(templates: templates)
    }()

    static func render(_ view: Any, _ name: String) -> String {
        guard let html = library.render(view, withTemplate: name) else { fatalError("no template named \(name)") }
        return html
    }

    private struct SafeHTML: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }
}
