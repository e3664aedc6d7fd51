/// One line of a timeline: one sampled timestamp, with every face found at it.
///
/// Every timestamp of the sampling grid gets a record, with or without faces;
/// see `FrameStatus` for the ones that could not be analysed.
public struct FrameRecord: Sendable, Hashable, Codable {
    /// The timestamp, seconds from the start of the video: the grid time
    /// `k / fps` with `--fps`, else the frame's own time.
    public var t: Double
    /// Index of the frame used, in presentation order from 0; nil when no
    /// frame was decoded for the timestamp.
    public var frame: Int?
    /// Time of the frame used; nil when none. On a grid it is the last frame
    /// at or before `t`, except for grid times before the first frame, which
    /// take the first frame (so it can be a little after `t`).
    public var frameTime: Double?
    /// What happened to the timestamp.
    public var status: FrameStatus
    /// The faces found, ordered by track id; empty when none (or not analysed).
    public var faces: [FaceRecord]
    /// Why the timestamp could not be analysed, for `undecodable` and `failed`.
    public var error: String?

    /// Creates a record.
    public init(t: Double, frame: Int?, frameTime: Double?, status: FrameStatus, faces: [FaceRecord] = [], error: String? = nil) {
        self.t = t
        self.frame = frame
        self.frameTime = frameTime
        self.status = status
        self.faces = faces
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case t, frame, frameTime = "frame_t", status, faces, error
    }
}
