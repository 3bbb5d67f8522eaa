import Foundation

/// The text form of the data key ring and of the signing keys: `id:base64` entries, one per
/// line or separated by commas, blank lines and lines starting with `#` skipped; read from a file
/// one variable names, or from another variable holding the entries themselves.
enum KeyFile {
    /// The entries of `text`. A malformed entry is refused without being echoed: it may be a key.
    static func entries(_ text: String, invalid: (String) -> AgentStateError) throws -> [(id: String, bytes: [UInt8])] {
        var out: [(id: String, bytes: [UInt8])] = []
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        for raw in lines.flatMap({ $0.split(separator: ",") }) {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            guard let colon = entry.firstIndex(of: ":"),
                let bytes = Data(base64Encoded: String(entry[entry.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            else { throw invalid("an entry is not 'id:base64-key'") }
            out.append((String(entry[..<colon]).trimmingCharacters(in: .whitespaces), [UInt8](bytes)))
        }
        return out
    }

    /// The entries' text from `file`, else the file `fileVariable` names, else `variable`
    /// itself; nil when none is set.
    static func configuredText(file: String?, fileVariable: String, variable: String, environment: [String: String],
                               invalid: (String) -> AgentStateError) throws -> String? {
        if let path = file ?? environment[fileVariable], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw invalid("cannot read the key file \(path)") }
            return text
        }
        if let text = environment[variable], !text.isEmpty { return text }
        return nil
    }

    /// Refuses a key id that breaks the rule: ids are stored with what each key seals or signs,
    /// so they are 1 to 32 letters, digits, '-' or '_'.
    static func checkId(_ id: String, invalid: (String) -> AgentStateError) throws {
        guard (1...32).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw invalid("key id '\(id)' is not 1 to 32 letters, digits, '-' or '_'")
        }
    }
}
