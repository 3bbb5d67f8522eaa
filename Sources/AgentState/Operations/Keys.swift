import Foundation

/// Issues an API key; `userId` binds an agent key to one user of the tenant. The secret is
/// given back once and stored only as its hash.
public struct CreateAPIKey: StoreOperation {
    public static let name = "createAPIKey"
    public var tenant: TenantID
    public var role: Role
    public var keyName: String?
    public var userId: String?

    public init(tenant: TenantID, role: Role, name: String?, userId: String?) {
        self.tenant = tenant
        self.role = role
        self.keyName = name
        self.userId = userId
    }

    public func run<Store: TransactionalStore>(on store: Store) async throws -> IssuedKey {
        try Identifier.validate(tenant, field: "tenant")
        if let keyName { try Identifier.validateName(keyName, field: "name") }
        if let userId {
            try Identifier.validate(userId, field: "user_id")
            // An operator decides for and an admin manages the whole tenant: neither can be one user's.
            guard role == .agent else { throw AgentStateError.invalidInput(field: "user_id", "only an agent key can be bound to a user") }
        }
        let secret = APIKeys.newSecret()
        return try await store.write { [tenant, role, keyName, userId] tx in
            let key = APIKey(id: Identifier.generate("key", at: tx.now), tenantId: tenant, role: role, name: keyName,
                             prefix: String(secret.prefix(10)), secretHash: APIKeys.hash(secret), createdAt: tx.now, revokedAt: nil, userId: userId)
            try tx.saveAPIKey(key)
            return IssuedKey(key: key, secret: secret)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> IssuedKey {
        let view: IssuedKeyView = try await transport.call(tenant, "POST", "/v1/keys", body: KeyCreateBody(role: role, name: keyName, userId: userId))
        return IssuedKey(key: view.key.apiKey(secretHash: APIKeys.hash(view.secret)), secret: view.secret)
    }
}

/// A tenant's keys, or every tenant's (`nil`: for the installation's administrator; through a
/// client, the keys of each tenant it holds a key for).
public struct ListAPIKeys: StoreOperation {
    public static let name = "apiKeys"
    public var tenant: TenantID?

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [APIKey] {
        try await store.read { [tenant] tx in try tx.apiKeys(tenant: tenant) }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> [APIKey] {
        var all: [APIKey] = []
        for t in tenant.map({ [$0] }) ?? transport.tenants {
            let page: Items<KeyView> = try await transport.call(t, "GET", "/v1/keys")
            all += page.items.map { $0.apiKey(secretHash: "") }
        }
        return all
    }
}

/// Revokes a key (of `tenant`, or of any tenant when `nil`); revoking it again changes nothing.
public struct RevokeAPIKey: StoreOperation {
    public static let name = "revokeAPIKey"
    public var tenant: TenantID?
    public var id: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> APIKey {
        try await store.write { [tenant, id] tx in
            guard var key = try tx.apiKey(id: id), tenant == nil || key.tenantId == tenant else {
                throw AgentStateError.notFound("key", id)
            }
            if key.revokedAt == nil {
                key.revokedAt = tx.now
                try tx.saveAPIKey(key)
            }
            return key
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> APIKey {
        let view: KeyView = try await transport.call(try tenant ?? transport.firstTenant(), "DELETE", "/v1/keys/" + pathSegment(id))
        return view.apiKey(secretHash: "")
    }
}

/// The live key whose secret this is, or `nil`.
public struct Authenticate: StoreOperation {
    public static let name = "authenticate"
    public var secret: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> APIKey? {
        guard secret.hasPrefix(APIKeys.secretPrefix), secret.utf8.count < 200 else { return nil }
        let hash = APIKeys.hash(secret)
        return try await store.lookUp { tx in
            guard let key = try tx.apiKey(secretHash: hash), !key.isRevoked else { return nil }
            return key
        }
    }

    /// Asks the server who the secret belongs to.
    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> APIKey? {
        do {
            let view: KeyView? = try await transport.answer("", "GET", "/v1/whoami", query: [:], body: nil, headers: ["Authorization": "Bearer \(secret)"])
            return view?.apiKey(secretHash: APIKeys.hash(secret))
        } catch let e as AgentStateError where e.code == .unauthorized {
            return nil
        }
    }
}

extension KeyView {
    /// The key this view shows; the view never carries the secret's hash.
    func apiKey(secretHash: String) -> APIKey {
        APIKey(id: id, tenantId: tenantId, role: role, name: name, prefix: prefix, secretHash: secretHash,
               createdAt: createdAt, revokedAt: revokedAt, userId: userId)
    }
}

extension StateStore {
    /// `userId` binds an agent key to one user of the tenant.
    public func createAPIKey(_ tenant: TenantID, role: Role, name: String?, userId: String? = nil) async throws -> IssuedKey {
        try await perform(CreateAPIKey(tenant: tenant, role: role, name: name, userId: userId))
    }

    /// Every tenant's keys when `tenant` is `nil` (for the installation's administrator).
    public func apiKeys(tenant: TenantID?) async throws -> [APIKey] {
        try await perform(ListAPIKeys(tenant: tenant))
    }

    public func revokeAPIKey(_ tenant: TenantID?, id: String) async throws -> APIKey {
        try await perform(RevokeAPIKey(tenant: tenant, id: id))
    }

    /// The live key whose secret this is, or `nil`.
    public func authenticate(secret: String) async throws -> APIKey? {
        try await perform(Authenticate(secret: secret))
    }
}
