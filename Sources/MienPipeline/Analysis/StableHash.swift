/// FNV-1a over UTF-8 text or raw bytes: a hash that is the same on every run
/// and machine (Swift's `Hasher` is seeded per process), for names, keys and
/// file digests that must be reproducible. Not for secrets.
public enum StableHash {
    /// FNV-1a 64 of `text`'s UTF-8 bytes from `basis` (FNV's offset basis by default).
    public static func fnv1a(_ text: String, basis: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = basis
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// FNV-1a 64 of `bytes` from `basis` (FNV's offset basis by default).
    public static func fnv1a(bytes: UnsafeRawBufferPointer, basis: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = basis
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// `value`'s lowest `digits` hex digits, zero-padded.
    public static func hex(_ value: UInt64, digits: Int) -> String {
        let masked = digits >= 16 ? value : value & ((1 << UInt64(4 * digits)) - 1)
        let text = String(masked, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
