import CFFmpeg

/// Owns one `AVPacket`; freed with the object.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() { pointer = av_packet_alloc() }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&owned)
    }

    /// Drops the packet's data so the object can be filled again.
    func unref() { av_packet_unref(pointer) }
}

/// Owns one `AVFrame` (a reference to decoded picture buffers); freed with the object.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() { pointer = av_frame_alloc() }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&owned)
    }
}
