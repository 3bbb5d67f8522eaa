import Foundation

public enum MessageRole: String, Sendable, Codable, Hashable, CaseIterable {
    case system, user, assistant, tool
}

/// A tool invocation requested by an assistant message; its result comes back as a `tool`
/// message carrying the same `id` in `toolCallId`.
public struct ToolCall: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    /// The arguments as the model produced them (usually a JSON string).
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

public struct Message: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var sessionId: String
    /// 1, 2, 3 … within the session, with no gaps.
    public var seq: Int64
    public var role: MessageRole
    public var content: String
    public var toolCallId: String?
    public var name: String?
    public var toolCalls: [ToolCall]?
    /// Tokens as the client counted them, or an estimate when it did not say.
    public var tokens: Int
    public var metadata: JSONValue?
    public var createdAt: Date

    public init(tenantId: TenantID, sessionId: String, seq: Int64, role: MessageRole, content: String, toolCallId: String? = nil,
                name: String? = nil, toolCalls: [ToolCall]? = nil, tokens: Int, metadata: JSONValue? = nil, createdAt: Date) {
        self.tenantId = tenantId
        self.sessionId = sessionId
        self.seq = seq
        self.role = role
        self.content = content
        self.toolCallId = toolCallId
        self.name = name
        self.toolCalls = toolCalls
        self.tokens = tokens
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

public struct NewMessage: Sendable, Codable, Hashable {
    public var role: MessageRole
    public var content: String
    public var toolCallId: String?
    public var name: String?
    public var toolCalls: [ToolCall]?
    public var tokens: Int?
    public var metadata: JSONValue?

    public init(role: MessageRole, content: String, toolCallId: String? = nil, name: String? = nil,
                toolCalls: [ToolCall]? = nil, tokens: Int? = nil, metadata: JSONValue? = nil) {
        self.role = role
        self.content = content
        self.toolCallId = toolCallId
        self.name = name
        self.toolCalls = toolCalls
        self.tokens = tokens
        self.metadata = metadata
    }

    public static func system(_ text: String) -> Self { .init(role: .system, content: text) }
    public static func user(_ text: String) -> Self { .init(role: .user, content: text) }
    public static func assistant(_ text: String, toolCalls: [ToolCall]? = nil) -> Self {
        .init(role: .assistant, content: text, toolCalls: toolCalls)
    }
    public static func tool(_ text: String, callId: String, name: String? = nil) -> Self {
        .init(role: .tool, content: text, toolCallId: callId, name: name)
    }
}

/// Which messages to read.
public enum MessageQuery: Sendable, Codable, Hashable {
    /// The context window: the newest `n` messages after the latest summary.
    case last(Int)
    /// Raw history after a seq, oldest first.
    case after(seq: Int64, limit: Int)
    /// Raw history in a time range, oldest first.
    case between(since: Date?, until: Date?, limit: Int)
    /// The context window: as many recent messages after the summary as fit in the budget,
    /// counting the pinned system message and the summary first.
    case tokenBudget(Int)
    /// Raw history: the newest `n` messages, oldest first, whatever a summary covers (what an
    /// adapter that keeps a framework's own items reads back).
    case tail(Int)
}

public struct MessageWindow: Sendable, Codable, Hashable {
    public init(summary: Summary?, messages: [Message], lastSeq: Int64, tokens: Int, session: Session? = nil) {
        self.summary = summary
        self.messages = messages
        self.lastSeq = lastSeq
        self.tokens = tokens
        self.session = session
    }

    /// For context reads, the summary standing in for older messages.
    public var summary: Summary?
    /// Oldest first. Context reads put the session's system message first even when it is older
    /// than the window, and never start with a tool result whose call was cut off.
    public var messages: [Message]
    /// The session's newest seq, for `expectedLastSeq` on the next append.
    public var lastSeq: Int64
    /// Tokens of everything returned, summary included.
    public var tokens: Int
    /// The session itself, when the read asked for it (`include=session`): its context and
    /// version come with the window in one round trip.
    public var session: Session?
}

extension Message {
    /// What makes two stored messages the same turn, whatever seq each carries: a turn copied
    /// between tiers keeps its role, content, tool call id and creation time (to the
    /// millisecond, which is what stores keep).
    public struct Identity: Hashable, Sendable {
        let role: MessageRole
        let content: String
        let toolCallId: String?
        let createdAtMs: Int64
    }

    public var identity: Identity {
        Identity(role: role, content: content, toolCallId: toolCallId, createdAtMs: createdAt.millisecondsSince1970)
    }
}
