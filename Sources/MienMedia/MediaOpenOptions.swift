/// How an input may be opened and decoded.
///
/// The defaults are the safe ones: only local files, no demuxer that reads
/// other files, one decoder thread (Mien runs one worker process per core).
public struct MediaOpenOptions: Sendable, Equatable {
    /// Allow `http://` and `https://` inputs. Off by default: a crafted input
    /// must not make the program open a network connection.
    public var allowNetwork: Bool
    /// Allow demuxers that read other files or resources named inside the input:
    /// HLS and DASH playlists, concat lists, image sequences. Off by default.
    public var allowPlaylists: Bool
    /// Decoder threads; 1 by default, 0 lets FFmpeg choose.
    public var decoderThreads: Int
    /// Largest accepted frame, in pixels (width x height). Larger frames are
    /// refused as absurd dimensions before anything is allocated for them.
    public var maxPixels: Int
    /// Largest accepted width or height.
    public var maxSide: Int
    /// Which video stream to read, counting the input's video streams from 0
    /// in file order (cover art left out): a two-camera recording's second
    /// view. Nil: FFmpeg's best by its rules.
    public var videoStream: Int?

    /// Creates options; every argument has the safe default.
    public init(
        allowNetwork: Bool = false, allowPlaylists: Bool = false, decoderThreads: Int = 1,
        maxPixels: Int = 8192 * 8192, maxSide: Int = 16384, videoStream: Int? = nil
    ) {
        self.allowNetwork = allowNetwork
        self.allowPlaylists = allowPlaylists
        self.decoderThreads = decoderThreads
        self.maxPixels = maxPixels
        self.maxSide = maxSide
        self.videoStream = videoStream
    }

    /// FFmpeg protocols an input (and anything it opens) may use.
    var protocolWhitelist: String {
        allowNetwork ? "file,http,https,tcp,tls,crypto,httpproxy" : "file"
    }
}
