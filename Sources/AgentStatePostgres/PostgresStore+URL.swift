import AgentState
import Foundation

extension PostgresStore {
    /// Where the database is and how to use it, read from a store URL:
    /// `postgres://user:password@host:port/database?sslmode=…&schema=…&pool=…&connect_timeout=…&pooler=…`.
    public struct Configuration: Sendable {
        /// What stands between the store and PostgreSQL.
        public enum Pooler: String, Sendable, CaseIterable {
            /// Nothing, or a pooler that gives each connection a session of its own, or one that
            /// tracks prepared statements (PgBouncer 1.21 or later with `max_prepared_statements`).
            case none
            /// A pooler that hands a database connection to each transaction alone (PgBouncer's
            /// transaction mode): no statement is prepared, the schema is set inside each
            /// transaction rather than for the session, and change feeds recheck each second
            /// instead of listening, since LISTEN needs a session of its own.
            case transaction
        }

        public enum TLSMode: String, Sendable, CaseIterable {
            /// Plain TCP.
            case disable
            /// TLS when the server offers it, without checking its certificate.
            case prefer
            /// TLS always, without checking the certificate (libpq's meaning).
            case require
            /// TLS with the certificate checked against the system's or `sslrootcert`'s roots and the host name.
            case verifyFull = "verify-full"
        }

        public var host = "127.0.0.1"
        public var port = 5432
        public var user = "postgres"
        public var password: String?
        public var database = "postgres"
        public var tls = TLSMode.prefer
        /// A PEM file of the certificate authorities to trust, for `verify-full`.
        public var rootCertificatePath: String?
        /// The PostgreSQL schema holding the tables; several stores can share a database.
        public var schema = "public"
        /// Most connections open at once; also how many transactions run at once.
        public var poolSize = 16
        /// How long a request waits for a connection before it fails as unavailable.
        public var connectTimeout: Duration = .seconds(2)
        public var pooler = Pooler.none
        /// Seals what agents store before it reaches the database; nil stores it plain.
        public var keyRing: DataKeyRing?
        /// Signs each event chain's head; nil signs nothing.
        public var chainSigner: ChainSigner?
        /// Sees every statement run, with its parameters: for tests that check query plans.
        package var statementObserver: (@Sendable (String, [any SQLBindable]) -> Void)?

        public init() {}

        public init(url text: String) throws {
            self.init()
            guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? "") else {
                throw Self.invalid("'\(Self.redacted(text))' is not a postgres:// URL")
            }
            if let host = url.host, !host.isEmpty { self.host = host }
            if let port = url.port { self.port = port }
            if let user = url.user, !user.isEmpty { self.user = user }
            password = url.password
            let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
            if !path.isEmpty { database = path }
            for item in url.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "sslmode":
                    guard let mode = TLSMode(rawValue: value) else {
                        throw Self.invalid("sslmode must be disable, prefer, require or verify-full, not '\(value)'")
                    }
                    tls = mode
                case "sslrootcert":
                    rootCertificatePath = value
                case "schema":
                    guard value.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                        throw Self.invalid("schema must be a lower-case SQL name of letters, digits and '_', not '\(value)'")
                    }
                    schema = value
                case "pool":
                    guard let n = Int(value), (1...512).contains(n) else {
                        throw Self.invalid("pool must be a number from 1 to 512, not '\(value)'")
                    }
                    poolSize = n
                case "connect_timeout":
                    guard let seconds = Double(value), seconds > 0, seconds <= 600 else {
                        throw Self.invalid("connect_timeout must be seconds from 0 to 600, not '\(value)'")
                    }
                    connectTimeout = .milliseconds(Int64(seconds * 1000))
                case "pooler":
                    guard let mode = Pooler(rawValue: value) else {
                        throw Self.invalid("pooler must be none or transaction, not '\(value)'")
                    }
                    pooler = mode
                default:
                    throw Self.invalid("'\(item.name)' is not a PostgreSQL store option (sslmode, sslrootcert, schema, pool, connect_timeout, pooler)")
                }
            }
        }

        private static func invalid(_ message: String) -> AgentStateError {
            AgentStateError.invalidInput(field: "store", message)
        }

        /// The URL with its password hidden, for messages and logs.
        static func redacted(_ text: String) -> String {
            guard var url = URLComponents(string: text), url.password != nil else { return text }
            url.password = "…"
            return url.string ?? "postgres://…"
        }
    }
}
