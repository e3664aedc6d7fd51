import CMienJPEG
import Foundation

/// One-component (grayscale) JPEG images decoded by libjpeg (Debian's
/// libjpeg62-turbo, `CMienJPEG`): the decoder Pillow uses, so that `mien eval`
/// classifies the very pixels PyTorch's data pipeline gave the training code.
/// FFmpeg's JPEG decoder has another IDCT: on FER-2013's PublicTest it differs
/// by one gray level on about 2.5% of the pixels (3,588 of 3,589 images).
/// Color JPEGs are left to FFmpeg.
public enum GrayJPEG {
    /// Whether the file at `path` starts as a JPEG does (FF D8 FF).
    public static func isJPEG(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 3)) ?? Data()
        return head.count == 3 && head[head.startIndex] == 0xFF && head[head.startIndex + 1] == 0xD8 && head[head.startIndex + 2] == 0xFF
    }

    /// The gray pixels of the one-component JPEG at `path`, or nil when it is a
    /// JPEG of more components (decode it with FFmpeg).
    /// - Throws: `MediaError` (`decodeFailed`, or `absurdDimensions` past
    ///   `maxPixels`) naming the file and libjpeg's reason.
    public static func decode(path: String, maxPixels: Int = MediaOpenOptions().maxPixels) throws(MediaError) -> PixelImage? {
        var pixels: UnsafeMutablePointer<UInt8>?
        var (width, height): (Int32, Int32) = (0, 0)
        var message = [CChar](repeating: 0, count: 256)
        let result = mien_jpeg_decode_gray(path, maxPixels, &pixels, &width, &height, &message, message.count)
        defer { mien_jpeg_free(pixels) }
        switch result {
        case MIEN_JPEG_GRAY:
            guard let pixels, width > 0, height > 0 else { throw MediaError(.decodeFailed, path: path, "libjpeg returned no picture") }
            let count = Int(width) * Int(height)
            return PixelImage(width: Int(width), height: Int(height), layout: .gray, pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
        case MIEN_JPEG_NOT_GRAY:
            return nil
        default:
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let code: MediaError.Code = reason.contains("more than") ? .absurdDimensions : .decodeFailed
            throw MediaError(code, path: path, "not a readable JPEG: \(reason)")
        }
    }
}
