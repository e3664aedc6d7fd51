import Foundation

/// Rewrites the cluster timestamps of a Matroska file in memory, to craft the
/// packet timestamps a damaged or hostile file can hold (for `CraftedHeaderTests`).
///
/// Each cluster's `Timecode` element (ID 0xE7) is replaced by an 8-byte one
/// holding the given value, and the cluster's size is adjusted. The file must
/// have no index pointing past the first cluster (ffmpeg writing to a pipe
/// gives that: an unknown segment size and no cues).
enum MatroskaClusters {
    /// `data` with the timecodes of its first `values.count` clusters set to `values`.
    static func settingTimecodes(of data: Data, to values: [UInt64]) throws -> Data {
        var bytes = [UInt8](data)
        let clusterID: [UInt8] = [0x1F, 0x43, 0xB6, 0x75]
        var at = 0
        for value in values {
            guard let cluster = find(clusterID, in: bytes, from: at) else { throw FixtureFailure("fewer clusters than values") }
            let sizeAt = cluster + 4
            let sizeWidth = vintWidth(bytes[sizeAt])
            let size = vintValue(bytes, at: sizeAt, width: sizeWidth)
            guard let timecode = find([0xE7], in: bytes, from: sizeAt + sizeWidth) else { throw FixtureFailure("no cluster timecode") }
            let valueWidth = vintWidth(bytes[timecode + 1])
            let oldLength = 1 + valueWidth + vintValue(bytes, at: timecode + 1, width: valueWidth)
            let element: [UInt8] = [0xE7, 0x88] + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(7 - $0))) }
            bytes.replaceSubrange(timecode..<(timecode + oldLength), with: element)
            let newSize = size + element.count - oldLength
            guard newSize < (1 << (7 * sizeWidth)) - 1 else { throw FixtureFailure("cluster size does not fit its field") }
            for i in 0..<sizeWidth {
                bytes[sizeAt + i] = UInt8(truncatingIfNeeded: newSize >> (8 * (sizeWidth - 1 - i)))
            }
            bytes[sizeAt] |= UInt8(0x80 >> (sizeWidth - 1))
            at = sizeAt
        }
        return Data(bytes)
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else { return nil }
        return (start...(bytes.count - pattern.count)).first { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }

    /// The width in bytes of an EBML variable-length integer from its first byte.
    private static func vintWidth(_ first: UInt8) -> Int { first.leadingZeroBitCount + 1 }

    private static func vintValue(_ bytes: [UInt8], at offset: Int, width: Int) -> Int {
        let raw = bytes[offset..<(offset + width)].reduce(0) { $0 << 8 | Int($1) }
        return raw & ((1 << (7 * width)) - 1)
    }
}
