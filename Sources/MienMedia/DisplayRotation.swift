import CFFmpeg

/// Reads the display rotation of a stream from its display matrix.
enum DisplayRotation {
    /// Degrees clockwise (0, 90, 180 or 270) to turn coded frames so they look
    /// as a player shows them. FFmpeg's `av_display_rotation_get` gives the
    /// counter-clockwise angle of the matrix; the player applies its negation,
    /// as the ffmpeg command's autorotate does.
    static func clockwiseDegrees(of stream: UnsafePointer<AVStream>) -> Int {
        guard let matrix = mien_stream_display_matrix(stream) else { return 0 }
        let angle = av_display_rotation_get(matrix)
        guard angle.isFinite else { return 0 }
        return normalize(-angle)
    }

    /// Snaps any angle in degrees to the nearest of 0, 90, 180, 270.
    static func normalize(_ degrees: Double) -> Int {
        let quarterTurns = Int((degrees / 90).rounded()) % 4
        return (quarterTurns + 4) % 4 * 90
    }
}
