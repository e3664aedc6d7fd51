/// What happened to one sampled timestamp of a timeline.
public enum FrameStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The frame was decoded and analysed.
    case ok
    /// The decoder flagged the frame as corrupt; it was analysed anyway, so
    /// its faces may be wrong.
    case damaged
    /// No frame could be decoded for this timestamp (the stream broke off
    /// before it, or its data is unreadable); `faces` is empty.
    case undecodable
    /// The frame was decoded but analysing it failed; `error` says why and
    /// `faces` is empty.
    case failed
}
