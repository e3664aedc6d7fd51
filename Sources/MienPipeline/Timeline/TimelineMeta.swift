import Foundation
import MienMedia

/// `<name>.meta.json`: everything about how a timeline was made, or why it
/// could not be. Written for every input, failed ones included.
public struct TimelineMeta: Sendable, Equatable, Codable {
    /// The format's name, `mien.timeline`.
    public var schema = TimelineMeta.schemaName
    /// The format's version; a reader should refuse versions it does not know.
    public var schemaVersion = TimelineMeta.currentVersion
    /// The program that wrote it (`mien 0.1.0`).
    public var generator: String
    /// The input as given, and as an absolute path.
    public var input: InputSummary
    /// The timeline file's name in the output folder; nil when none was written.
    public var timeline: String?
    /// `complete`, `partial` (a timeline with damage: see `TimelineStatus.partial`) or `failed` (no timeline).
    public var status: TimelineStatus
    /// Why the input failed or is partial.
    public var error: ErrorSummary?
    /// What the probe found; nil when the input could not be probed.
    public var probe: VideoInfo?
    /// The models used; nil when they were not reached.
    public var models: ModelSummary?
    /// Every setting that decides the output.
    public var settings: AnalysisSettings
    /// Record, face and track counts.
    public var counts: TimelineCounts
    /// Decoder counts of skipped or damaged data.
    public var decode: DecodeStats?
    /// Seconds per stage.
    public var times: StageTimes
    /// Wall-clock seconds for the whole input.
    public var wallSeconds: Double
    /// When the analysis finished, ISO 8601 in UTC.
    public var finished: String

    /// `mien.timeline`.
    public static let schemaName = "mien.timeline"
    /// The version this program writes.
    public static let currentVersion = 1

    enum CodingKeys: String, CodingKey {
        case schema, schemaVersion = "schema_version", generator, input, timeline, status, error, probe, models
        case settings, counts, decode, times, wallSeconds = "wall_seconds", finished
    }

    /// Creates a meta record.
    public init(generator: String, input: InputSummary, timeline: String?, status: TimelineStatus, error: ErrorSummary?,
                probe: VideoInfo?, models: ModelSummary?, settings: AnalysisSettings, counts: TimelineCounts,
                decode: DecodeStats?, times: StageTimes, wallSeconds: Double, finished: Date) {
        self.generator = generator
        self.input = input
        self.timeline = timeline
        self.status = status
        self.error = error
        self.probe = probe
        self.models = models
        self.settings = settings
        self.counts = counts
        self.decode = decode
        self.times = times
        self.wallSeconds = wallSeconds
        self.finished = ISO8601DateFormatter().string(from: finished)
    }

    /// Encodes every key, an absent value as `null`: synthesized `Codable`
    /// would leave out nil optionals, and a reader (and the schema,
    /// `Jobs/schema/meta.schema.json`) should see the same keys for every status.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(generator, forKey: .generator)
        try c.encode(input, forKey: .input)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try c.encode(probe, forKey: .probe)
        try c.encode(models, forKey: .models)
        try c.encode(settings, forKey: .settings)
        try c.encode(counts, forKey: .counts)
        try c.encode(decode, forKey: .decode)
        try c.encode(times, forKey: .times)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(finished, forKey: .finished)
    }

    /// Pretty-printed JSON with sorted keys and a final newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// How an input ended.
public enum TimelineStatus: String, Sendable, Hashable, Codable {
    /// Every sampled timestamp was analysed.
    case complete
    /// A timeline was written, but the input was damaged: some timestamps are
    /// `undecodable`, `failed` or `damaged`, the decoder skipped damaged data,
    /// or reading stopped on an error. `error.message` lists what.
    case partial
    /// No timeline: the input could not be read (or the analysis broke off).
    case failed
}

/// An input path, as given and resolved.
public struct InputSummary: Sendable, Hashable, Codable {
    /// As given on the command line (or found in a folder given there).
    public var path: String
    /// Absolute and standardised; used to tell same-named inputs apart.
    public var absolutePath: String
    /// Size in bytes, when it is a readable file.
    public var bytes: Int?

    enum CodingKeys: String, CodingKey { case path, absolutePath = "absolute_path", bytes }

    /// Encodes every key; `bytes` is `null` when the size is unknown.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(absolutePath, forKey: .absolutePath)
        try c.encode(bytes, forKey: .bytes)
    }

    /// Describes `path`.
    public init(path: String) {
        self.path = path
        absolutePath = InputSummary.absolute(path)
        bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// `path` made absolute against the current directory and standardised.
    public static func absolute(_ path: String) -> String {
        if path.contains("://") { return path }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }
}

/// An error in `meta.json`: a stable code and the message.
public struct ErrorSummary: Error, Sendable, Hashable, Codable {
    /// Machine-readable cause (`not_media`, `truncated`, `bad_settings`, ...).
    public var code: String
    /// The message, naming the file.
    public var message: String

    /// Creates an error summary.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// What a timeline holds, counted.
public struct TimelineCounts: Sendable, Hashable, Codable {
    /// Records (sampled timestamps).
    public var records = 0
    /// Records per status.
    public var ok = 0, damaged = 0, undecodable = 0, failed = 0
    /// Records with at least one face.
    public var recordsWithFaces = 0
    /// Faces over all records.
    public var faces = 0
    /// Distinct track ids.
    public var tracks = 0
    /// Faces left out of the timeline because their track was shorter than
    /// `min_track_samples` or its mean score was under `track_min_score`
    /// (likely false faces; not in `faces`).
    public var transientFaces = 0

    enum CodingKeys: String, CodingKey {
        case records, ok, damaged, undecodable, failed, recordsWithFaces = "records_with_faces", faces, tracks
        case transientFaces = "transient_faces"
    }

    /// Zero counts.
    public init() {}

    /// Counts `records`.
    public init(_ records: [FrameRecord]) {
        var tracks = Set<Int>()
        for record in records { add(record, tracks: &tracks) }
        self.tracks = tracks.count
    }

    /// Counts one more record; `tracks` collects the track ids seen (assign
    /// its count to `tracks` at the end).
    public mutating func add(_ record: FrameRecord, tracks: inout Set<Int>) {
        records += 1
        switch record.status {
        case .ok: ok += 1
        case .damaged: damaged += 1
        case .undecodable: undecodable += 1
        case .failed: failed += 1
        }
        if !record.faces.isEmpty { recordsWithFaces += 1 }
        faces += record.faces.count
        for face in record.faces { tracks.insert(face.track) }
    }
}
