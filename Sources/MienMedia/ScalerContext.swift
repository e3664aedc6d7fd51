import CFFmpeg

/// A libswscale context for one conversion set-up, made again only when the
/// set-up changes.
///
/// The source's range is given when the context is made (`src_range`,
/// `dst_range` options), not only afterwards through
/// `sws_setColorspaceDetails`: in FFmpeg 5.1 that call sets up the range
/// conversion again only for 8-bit sources, so a full-range 10-bit source
/// was expanded as if it were limited range (its black at 0 and its white
/// clipped) on the gray path.
final class ScalerContext {
    /// What a context converts.
    struct Setup: Equatable {
        var sourceWidth: Int, sourceHeight: Int, source: AVPixelFormat
        var width: Int, height: Int, destination: AVPixelFormat
        var flags: Int32
        var fullRangeSource: Bool
    }

    private var pointer: OpaquePointer?
    private var setup: Setup?

    deinit { sws_freeContext(pointer) }

    /// The context for `setup` (full-range output), or nil when swscale cannot do it.
    func context(for setup: Setup) -> OpaquePointer? {
        if setup == self.setup, let pointer { return pointer }
        sws_freeContext(pointer)
        (pointer, self.setup) = (Self.make(setup), setup)
        return pointer
    }

    private static func make(_ setup: Setup) -> OpaquePointer? {
        guard let context = sws_alloc_context() else { return nil }
        let options: [(String, Int64)] = [
            ("srcw", Int64(setup.sourceWidth)), ("srch", Int64(setup.sourceHeight)), ("src_format", Int64(setup.source.rawValue)),
            ("dstw", Int64(setup.width)), ("dsth", Int64(setup.height)), ("dst_format", Int64(setup.destination.rawValue)),
            ("sws_flags", Int64(setup.flags)), ("src_range", setup.fullRangeSource ? 1 : 0), ("dst_range", 1),
        ]
        let raw = UnsafeMutableRawPointer(context)
        for (name, value) in options where av_opt_set_int(raw, name, value, 0) < 0 {
            sws_freeContext(context)
            return nil
        }
        guard sws_init_context(context, nil, nil) >= 0 else {
            sws_freeContext(context)
            return nil
        }
        return context
    }
}
