import Foundation

/// Where a tool call of a conversation stands: asked for by an assistant message, and answered
/// or not by a tool message carrying its id. An agent resuming after a crash asks this before
/// running a tool again, so that a call already answered is not made twice.
public struct ToolCallState: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case pending, answered
    }

    public var call: ToolCall
    public var status: Status
    /// The seq of the assistant message that asked for the call.
    public var requestSeq: Int64
    /// The first tool message answering it.
    public var result: Message?

    public init(call: ToolCall, requestSeq: Int64, result: Message?) {
        self.call = call
        self.status = result == nil ? .pending : .answered
        self.requestSeq = requestSeq
        self.result = result
    }
}
