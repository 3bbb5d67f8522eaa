extension JSONValue {
    /// About how many bytes the document takes as JSON, without writing it: enough to compare
    /// sizes (a patch against the state it patches), not to allocate by.
    public var approximateSize: Int {
        switch self {
        case .null, .bool: 5
        case .int, .double: 8
        case .string(let s): s.utf8.count + 2
        case .array(let a): a.reduce(2) { $0 + $1.approximateSize + 1 }
        case .object(let o): o.reduce(2) { $0 + $1.key.utf8.count + 4 + $1.value.approximateSize }
        }
    }
}
