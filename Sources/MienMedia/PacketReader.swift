import CFFmpeg

/// Reads the packets of one stream from an open input, skipping the others.
///
/// Demuxer errors in the middle of a file (a damaged or cut-off region) are
/// counted and skipped; only a long run of errors with no packet in between
/// stops reading.
final class PacketReader {
    private let input: FormatContext
    private let streamIndex: Int32
    private var consecutiveErrors = 0
    /// Errors counted so far, and the last one in words.
    private(set) var errors = 0
    private(set) var lastError: String?
    /// Packets of the stream returned so far.
    private(set) var packets = 0
    /// Whether the end of the input was reached.
    private(set) var reachedEnd = false

    /// Whether reading stopped on errors rather than on a clean end of input (data cut off).
    var endedWithErrors: Bool { reachedEnd && consecutiveErrors > 0 }

    /// Give up after this many errors in a row with no packet between them.
    static let maxConsecutiveErrors = 1000

    init(input: FormatContext, streamIndex: Int) {
        self.input = input
        self.streamIndex = Int32(streamIndex)
    }

    /// Fills `packet` with the next packet of the stream; false at the end of the input.
    func next(into packet: Packet) throws(MediaError) -> Bool {
        while true {
            packet.unref()
            let result = av_read_frame(input.pointer, packet.pointer)
            if result == FFmpegResult.eof {
                reachedEnd = true
                return false
            }
            if result == FFmpegResult.again { continue }
            if result < 0 {
                errors += 1
                consecutiveErrors += 1
                lastError = FFmpegLog.recentErrors().last ?? FFmpegResult.describe(result)
                if consecutiveErrors >= Self.maxConsecutiveErrors || input.pointer.pointee.pb?.pointee.eof_reached != 0 {
                    // Nothing more can be read: treat as the end, with the errors recorded.
                    reachedEnd = true
                    return false
                }
                continue
            }
            guard packet.pointer.pointee.stream_index == streamIndex else { continue }
            consecutiveErrors = 0
            packets += 1
            return true
        }
    }

    /// Forgets the end-of-input state after a seek.
    func didSeek() {
        reachedEnd = false
        consecutiveErrors = 0
    }
}
