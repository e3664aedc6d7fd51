/// Counts a video's frames exactly, by decoding all of them.
enum FrameCounter {
    /// The number of frames the decoder produces for `path` (damaged ones included).
    /// - Throws: `MediaError` when the input cannot be opened or decoded.
    static func count(_ path: String, options: MediaOpenOptions) throws(MediaError) -> Int {
        let reader = try VideoReader(path: path, options: options)
        var frames = 0
        while try reader.nextFrame() != nil { frames += 1 }
        return frames
    }
}
