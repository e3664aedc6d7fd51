/// Which video encoder `VideoWriter` uses.
public enum VideoCodecChoice: String, Sendable, CaseIterable {
    /// H.264 (libx264) where this FFmpeg build has it, else MPEG-4 Part 2.
    case automatic = "auto"
    /// H.264 through libx264; an error where the build lacks it.
    case h264
    /// MPEG-4 Part 2 through FFmpeg's own encoder (in every build).
    case mpeg4

    /// The FFmpeg encoder names to try, in order.
    var encoderNames: [String] {
        switch self {
        case .automatic: ["libx264", "mpeg4"]
        case .h264: ["libx264"]
        case .mpeg4: ["mpeg4"]
        }
    }
}
