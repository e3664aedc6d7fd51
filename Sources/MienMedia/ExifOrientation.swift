import Foundation

/// The EXIF `Orientation` tag of a JPEG still, as the clockwise turn that
/// shows it upright. Phones store a portrait photo as landscape pixels with
/// orientation 6 (or 8); FFmpeg 5.1 (Debian 12) does not turn JPEG stills by
/// it, so Mien reads the tag itself and turns the picture as it turns a video
/// by its display matrix. Faces are found, and boxes given, in the upright
/// picture.
///
/// Mirrored orientations (2, 4, 5, 7; rare, some front cameras) are turned by
/// their rotation only: the picture stays mirrored, which a face detector and
/// an expression classifier do not mind, but its boxes are then in the
/// mirrored picture's pixels.
public enum ExifOrientation {
    /// How many bytes from the start of the file are searched for the EXIF
    /// segment: it comes before the image data, and one segment holds at most 64 KiB.
    static let searchedBytes = 256 << 10

    /// Clockwise degrees (0, 90, 180 or 270) that the EXIF orientation of the
    /// JPEG at `path` asks for; nil when the file is not a JPEG, holds no EXIF
    /// orientation, or its EXIF data is damaged.
    public static func clockwiseDegrees(path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: searchedBytes) else { return nil }
        return clockwiseDegrees(jpeg: [UInt8](head))
    }

    /// The same for a JPEG's first bytes.
    public static func clockwiseDegrees(jpeg bytes: [UInt8]) -> Int? {
        guard let tag = orientationTag(jpeg: bytes) else { return nil }
        switch tag {
        case 1, 2: return 0
        case 3, 4: return 180
        case 6, 7: return 90
        case 5, 8: return 270
        default: return nil
        }
    }

    /// The raw `Orientation` value (1 to 8) from the first APP1 Exif segment
    /// before the image data.
    static func orientationTag(jpeg bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var at = 2
        while at + 4 <= bytes.count {
            guard bytes[at] == 0xFF else { return nil }
            let marker = bytes[at + 1]
            if marker == 0xFF { at += 1; continue }                     // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { at += 2; continue }  // no length
            if marker == 0xDA || marker == 0xD9 { return nil }          // image data or end: no EXIF before it
            let length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard length >= 2 else { return nil }
            let body = at + 4, end = at + 2 + length
            if marker == 0xE1, end <= bytes.count, end - body >= 6,
               bytes[body..<body + 6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0]) {  // "Exif\0\0"
                return orientation(tiff: bytes[(body + 6)..<end])
            }
            at = end
        }
        return nil
    }

    /// The orientation entry of IFD0 in a TIFF structure.
    static func orientation(tiff: ArraySlice<UInt8>) -> Int? {
        let t = Array(tiff)
        guard t.count >= 8 else { return nil }
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ i: Int) -> Int? {
            guard i >= 0, i + 2 <= t.count else { return nil }
            return little ? Int(t[i]) | Int(t[i + 1]) << 8 : Int(t[i]) << 8 | Int(t[i + 1])
        }
        func u32(_ i: Int) -> Int? {
            guard let a = u16(i), let b = u16(i + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at), let type = u16(at + 2) else { return nil }
            if tag == 0x0112 {
                guard type == 3, let value = u16(at + 8), (1...8).contains(value) else { return nil }  // SHORT
                return value
            }
        }
        return nil
    }
}
