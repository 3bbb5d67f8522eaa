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
}
