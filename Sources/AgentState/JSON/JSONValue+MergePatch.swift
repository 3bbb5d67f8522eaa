/// RFC 7396 JSON merge patch: how session context, checkpoints and the run history change.
extension JSONValue {
    /// Applies `patch` to this document as RFC 7396 describes: objects merge key by key,
    /// `null` removes a key, anything else replaces.
    public func merging(patch: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result: [String: JSONValue]
        if case .object(let target) = self { result = target } else { result = [:] }
        for (key, value) in patchObject {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = (result[key] ?? .null).merging(patch: value)
            }
        }
        return .object(result)
    }

    /// The merge patch that turns `old` into `new`, or `nil` when they are equal.
    ///
    /// Objects are compared key by key so the patch holds only what changed; anything else
    /// that differs is replaced whole. A `null` stored inside `new` cannot be expressed by a
    /// merge patch (it means "remove"), so callers keep such documents whole.
    public static func mergePatch(from old: JSONValue, to new: JSONValue) -> JSONValue? {
        if old == new { return nil }
        guard case .object(let o) = old, case .object(let n) = new else { return new }
        var patch: [String: JSONValue] = [:]
        for (key, oldValue) in o where n[key] == nil {
            _ = oldValue
            patch[key] = .null
        }
        for (key, newValue) in n {
            if let oldValue = o[key] {
                if let sub = mergePatch(from: oldValue, to: newValue) { patch[key] = sub }
            } else {
                patch[key] = newValue
            }
        }
        return .object(patch)
    }
}
