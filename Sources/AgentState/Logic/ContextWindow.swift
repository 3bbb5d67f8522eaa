/// The rules for what a context read returns.
public enum ContextWindow {
    /// A rough count for messages whose client gave none: about four bytes a token, plus the
    /// few tokens every message costs in a chat format.
    public static func estimateTokens(_ m: NewMessage) -> Int {
        var bytes = m.content.utf8.count
        for call in m.toolCalls ?? [] { bytes += call.name.utf8.count + call.arguments.utf8.count }
        return 4 + (bytes + 3) / 4
    }

    public static func estimateTokens(_ text: String) -> Int { 4 + (text.utf8.count + 3) / 4 }

    /// A window must not open on tool results whose call was cut off: a model API rejects a
    /// tool message without the assistant message that asked for it.
    public static func droppingOrphanedToolResults(_ messages: [Message]) -> [Message] {
        var start = 0
        while start < messages.count, messages[start].role == .tool { start += 1 }
        return start == 0 ? messages : Array(messages[start...])
    }

    /// A context read of the newest messages: `newest` are the newest after the summary's
    /// floor, oldest first. It drops a leading orphaned tool result, and puts the system
    /// message (`system(seq)` fetches it) first when the window no longer reaches it.
    public static func recent(_ newest: [Message], summary: Summary?, lastSeq: Int64, systemSeq: Int64?,
                              system: (Int64) throws -> Message?) rethrows -> MessageWindow {
        var messages = droppingOrphanedToolResults(newest)
        if let systemSeq, messages.first.map({ $0.seq > systemSeq }) ?? true, let pinned = try system(systemSeq) {
            messages.insert(pinned, at: 0)
        }
        let tokens = messages.reduce(summary?.tokens ?? 0) { $0 + $1.tokens }
        return MessageWindow(summary: summary, messages: messages, lastSeq: lastSeq, tokens: tokens)
    }
}
