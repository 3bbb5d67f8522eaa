import Foundation

/// An isolated space of records. Every record and every query carries its id; a caller's tenant
/// comes from its credential, never from what it sends.
public struct Tenant: Sendable, Codable, Hashable {
    public var id: TenantID
    public var name: String?

    /// Validates the id (the same rules as record ids).
    public init(id: TenantID, name: String? = nil) throws {
        try Identifier.validate(id, field: "tenant")
        self.id = id
        self.name = name
    }

    /// The tenant of local, single-user setups.
    public static let `default` = try! Tenant(id: "default")
}
