import Foundation

/// Edits the boxes of an MP4 file in memory, to craft the header values a
/// damaged or hostile file can hold (for `CraftedHeaderTests`).
///
/// Only what those tests need: find a box by its path from the top level
/// (`["moov", "trak", "mdia", "mdhd"]`), write a big-endian field at an offset
/// in its payload, and replace a box with another of a different size (the
/// sizes of the boxes around it are adjusted; chunk offsets are not, so the
/// box should come after the media data, as it does in a file that is not
/// fast-start).
struct MP4Boxes {
    var data: Data

    init(_ data: Data) { self.data = Data(data) }

    /// A box: where it starts, its type, its whole size and its header size.
    struct Box {
        let start: Int
        let type: String
        let size: Int
        let headerSize: Int
        var payload: Int { start + headerSize }
        var end: Int { start + size }
    }

    /// Boxes that hold other boxes (the ones on the paths the tests use).
    static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "edts", "udta"]

    /// The boxes directly inside `range`.
    func children(in range: Range<Int>) -> [Box] {
        var boxes: [Box] = []
        var at = range.lowerBound
        while at + 8 <= range.upperBound {
            var size = Int(read(at, bytes: 4))
            let type = String(decoding: data[(at + 4)..<(at + 8)], as: UTF8.self)
            var header = 8
            if size == 1 { size = Int(read(at + 8, bytes: 8)); header = 16 }
            if size == 0 { size = range.upperBound - at }
            guard size >= header, at + size <= range.upperBound else { break }
            boxes.append(Box(start: at, type: type, size: size, headerSize: header))
            at += size
        }
        return boxes
    }

    /// The boxes along `path` from the top level (the first match at each level), or nil.
    func find(_ path: [String]) -> [Box]? {
        var range = 0..<data.count
        var found: [Box] = []
        for type in path {
            guard let box = children(in: range).first(where: { $0.type == type }) else { return nil }
            found.append(box)
            range = box.payload..<box.end
        }
        return found
    }

    /// The unsigned big-endian number of `bytes` bytes at `offset`.
    func read(_ offset: Int, bytes: Int) -> UInt64 {
        data[offset..<(offset + bytes)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Writes `value` big-endian in `bytes` bytes at `offset` (high bits dropped).
    mutating func write(_ value: UInt64, at offset: Int, bytes: Int) {
        for i in 0..<bytes {
            data[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(bytes - 1 - i)))
        }
    }

    /// Writes `value` at `offset` bytes into the payload of the box at `path`.
    mutating func set(_ path: [String], offset: Int, _ value: UInt64, bytes: Int) throws {
        guard let box = find(path)?.last else { throw FixtureFailure("no box \(path.joined(separator: "/"))") }
        write(value, at: box.payload + offset, bytes: bytes)
    }

    /// Replaces the box at `path` with `type` and `payload`, growing or shrinking its ancestors.
    mutating func replace(_ path: [String], type: String, payload: Data) throws {
        guard let boxes = find(path), let box = boxes.last else { throw FixtureFailure("no box \(path.joined(separator: "/"))") }
        var replacement = Data(count: 8)
        replacement.append(payload)
        var sized = MP4Boxes(replacement)
        sized.write(UInt64(8 + payload.count), at: 0, bytes: 4)
        sized.data.replaceSubrange(4..<8, with: Data(type.utf8))
        let growth = sized.data.count - box.size
        data.replaceSubrange(box.start..<box.end, with: sized.data)
        for ancestor in boxes.dropLast() {
            guard ancestor.headerSize == 8 else { throw FixtureFailure("64-bit box size in \(ancestor.type)") }
            write(UInt64(ancestor.size + growth), at: ancestor.start, bytes: 4)
        }
    }

    /// The chunk offsets of the first track's `stco` box.
    func chunkOffsets() throws -> [UInt64] {
        guard let stco = find(Self.sampleTable + ["stco"])?.last else { throw FixtureFailure("no stco box") }
        let count = Int(read(stco.payload + 4, bytes: 4))
        return (0..<count).map { read(stco.payload + 8 + 4 * $0, bytes: 4) }
    }

    /// Turns the first track's 32-bit chunk offsets (`stco`) into 64-bit ones
    /// (`co64`) holding `offsets(original)`.
    mutating func setChunkOffsets64(_ offsets: ([UInt64]) -> [UInt64]) throws {
        let values = offsets(try chunkOffsets())
        var payload = MP4Boxes(Data(count: 8 + 8 * values.count))
        payload.write(UInt64(values.count), at: 4, bytes: 4)
        for (i, value) in values.enumerated() { payload.write(value, at: 8 + 8 * i, bytes: 8) }
        try replace(Self.sampleTable + ["stco"], type: "co64", payload: payload.data)
    }

    /// The path of the first track's sample table.
    static let sampleTable = ["moov", "trak", "mdia", "minf", "stbl"]
}

/// A crafted file could not be made (the source file lacks a box the test edits).
struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
