import AgentState
import Configuration
import Foundation

/// Where `agentstate serve` reads what it is told, in one place and by one rule: a flag, then
/// the environment (`AGENTSTATE_` and the setting's name in capitals: `rate_limit` is
/// `AGENTSTATE_RATE_LIMIT`), then the JSON file `--config` or `AGENTSTATE_CONFIG` names (an
/// object of settings by name: `{"port": 9000, "rate_limit": "50/s"}`), then the default. The
/// first that has a setting wins.
///
/// The sources are swift-configuration providers, read through one `ConfigReader`. Values are
/// read as text and checked by whoever uses them, so a bad one is refused with the name of
/// where it came from, never passed over for the next source.
public struct Settings: Sendable {
    /// Every setting a source may give, by name: a file or a flag naming another is refused.
    public static let names: Set<String> = [
        "host", "port", "store", "store_file", "cache", "cache_file", "secrets", "rate_limit", "audit", "audit_retention_days",
        "archive_dir", "retention_interval", "sweep_interval", "drain_seconds", "max_body_bytes", "kept_answer_bytes",
        "flusher", "flush_linger_ms", "data_keys", "data_keys_file", "signing_keys", "signing_keys_file", "migrate",
    ]
    /// Settings that may hold credentials: kept out of logs and access reports.
    static let secret: Set<String> = ["store", "cache", "data_keys", "signing_keys"]

    private let reader: ConfigReader
    private let flags: [String: String]
    private let environment: [String: String]
    private let file: (path: String, values: [String: String])?

    /// - Parameters:
    ///   - flags: the settings given as flags, by name.
    ///   - file: the JSON file to read, if any; when `nil`, the one `AGENTSTATE_CONFIG` names.
    public init(flags: [String: String] = [:], environment: [String: String], file: String? = nil) throws {
        for name in flags.keys where !Self.names.contains(name) {
            throw AgentStateError.invalidInput(field: name, "is not a setting")
        }
        self.flags = flags
        self.environment = environment
        let path = file ?? environment["AGENTSTATE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        self.file = try path.map { (path: $0, values: try Self.read($0)) }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: Self.values(flags)),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ]
        if let file = self.file { providers.append(InMemoryProvider(name: file.path, values: Self.values(file.values))) }
        reader = ConfigReader(providers: providers)
    }

    /// The setting's value as text, from the first source that has it.
    public func text(_ name: String) -> String? {
        precondition(Self.names.contains(name), "'\(name)' is not a setting")
        return reader.string(forKey: ConfigKey(["agentstate", name]), isSecret: Self.secret.contains(name))
    }

    /// A setting that may hold a credential: its own value, or the contents of the file its
    /// `_file` setting names (a mounted Secret), so that a URL with a password need not sit in
    /// the environment.
    public func secretText(_ name: String) throws -> String? {
        if let value = text(name) { return value }
        guard let path = text(name + "_file"), !path.isEmpty else { return nil }
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AgentStateError.invalidInput(field: origin(name + "_file"), "cannot read \(path)")
        }
        return contents.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The environment with the file's settings under their variables' names, for what reads
    /// the environment itself (the data key ring, the signing keys): a variable still wins.
    public var effectiveEnvironment: [String: String] {
        var out = environment
        for (name, value) in file?.values ?? [:] where out["AGENTSTATE_" + name.uppercased()] == nil {
            out["AGENTSTATE_" + name.uppercased()] = value
        }
        return out
    }

    /// Whether a yes-or-no setting is on: `1`, `true`, `on` or `yes`; `nil` when not given.
    public func flag(_ name: String) throws -> Bool? {
        guard let text = text(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "on", "yes": return true
        case "0", "false", "off", "no": return false
        default: throw AgentStateError.invalidInput(field: origin(name), "'\(text)' is not on or off")
        }
    }

    /// Where the setting's value came from, to name it in an error: `--rate-limit`,
    /// `AGENTSTATE_RATE_LIMIT` or `rate_limit in /etc/agentstate.json`.
    public func origin(_ name: String) -> String {
        if flags[name] != nil { return "--" + name.replacingOccurrences(of: "_", with: "-") }
        let variable = "AGENTSTATE_" + name.uppercased()
        if environment[variable] != nil { return variable }
        if let file, file.values[name] != nil { return "\(name) in \(file.path)" }
        return variable
    }

    private static func values(_ settings: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        Dictionary(uniqueKeysWithValues: settings.map { name, value in
            (AbsoluteConfigKey(["agentstate", name]), ConfigValue(.string(value), isSecret: secret.contains(name)))
        })
    }

    /// The file's settings as text. It must be a JSON object of known settings whose values are
    /// text, numbers or booleans: anything else is refused, so a typo is not a silent default.
    private static func read(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentStateError.invalidInput(field: "config", "cannot read \(path)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data))
        } catch {
            throw AgentStateError.invalidInput(field: "config", "\(path) is not JSON: \(error)")
        }
        guard case .object(let settings) = document else {
            throw AgentStateError.invalidInput(field: "config", "\(path) must hold a JSON object of settings")
        }
        var out: [String: String] = [:]
        for (name, value) in settings {
            guard names.contains(name) else {
                throw AgentStateError.invalidInput(field: "config", "'\(name)' in \(path) is not a setting (they are: \(names.sorted().joined(separator: ", ")))")
            }
            switch value {
            case .string(let text): out[name] = text
            case .int(let n): out[name] = String(n)
            case .double(let d): out[name] = String(d)
            case .bool(let b): out[name] = b ? "true" : "false"
            default: throw AgentStateError.invalidInput(field: "config", "'\(name)' in \(path) must be text, a number or true/false")
            }
        }
        return out
    }
}
