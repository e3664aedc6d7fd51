/// Which FFmpeg demuxers may open an input.
///
/// Some demuxers read files or resources named inside the input: a playlist
/// lists segment files, a concat list names other videos, an image sequence
/// expands a file pattern, an SDP or RTSP description opens network streams,
/// AviSynth and VapourSynth run scripts. A crafted input could use them to
/// read any file the process can reach, so they are refused unless
/// `MediaOpenOptions.allowPlaylists` is set. The format is decided from the
/// file's bytes alone (never its name) before the demuxer opens anything.
enum DemuxerPolicy {
    /// Demuxer names refused by default, with what they would do, for the error message.
    static let refused: [String: String] = [
        "hls": "an HLS playlist, which reads the segment files it lists",
        "dash": "a DASH manifest, which reads the segment files it lists",
        "concat": "a concat list, which reads the files it names",
        "image2": "an image sequence, which reads every file matching a pattern",
        "imf": "an IMF composition, which reads the files it names",
        "sdp": "an SDP description, which opens the network streams it describes",
        "rtsp": "an RTSP description, which opens network streams",
        "rtp": "an RTP stream description",
        "sap": "a SAP announcement, which opens network streams",
        "avisynth": "an AviSynth script, which runs code",
        "vapoursynth": "a VapourSynth script, which runs code",
        "webm_dash_manifest": "a WebM DASH manifest, which reads the files it names",
    ]

    /// Why `demuxerName` (possibly a comma list such as "mov,mp4,m4a") is refused, or nil when allowed.
    static func refusal(for demuxerName: String, options: MediaOpenOptions) -> String? {
        guard !options.allowPlaylists else { return nil }
        for name in demuxerName.split(separator: ",") {
            if let what = refused[String(name)] {
                return "is \(what) (demuxer '\(name)'); such inputs are refused unless playlists are enabled (--allow-playlists)"
            }
        }
        return nil
    }
}
