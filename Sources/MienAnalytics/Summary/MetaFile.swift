import Foundation

/// What summaries and reports need of a `NAME.meta.json` (`Jobs/schema/`):
/// read leniently, only these keys, so that any meta file of version 1 reads.
public struct MetaFile: Sendable, Decodable {
    /// The format's version; only 1 is known.
    public var schemaVersion: Int
    /// The input as given and made absolute.
    public var input: Input
    /// The timeline's file name beside the meta file; nil when the input failed.
    public var timeline: String?
    /// `complete`, `partial` or `failed`.
    public var status: String
    /// Why the input failed or is partial.
    public var error: Problem?
    /// What probing found; nil when the input could not be probed.
    public var probe: Probe?
    /// Settings; only the smoothing method is read.
    public var settings: Settings
    /// Record, face and track counts of the timeline.
    public var counts: Counts

    /// `input` of the meta file.
    public struct Input: Sendable, Decodable {
        public var path: String
        public var absolutePath: String
        /// The file's size when it was analysed (nil: not recorded, a URL).
        public var bytes: Int?
        enum CodingKeys: String, CodingKey { case path, absolutePath = "absolute_path", bytes }
    }

    /// `error` of the meta file.
    public struct Problem: Sendable, Decodable {
        public var code: String
        public var message: String
    }

    /// The part of `probe` a report shows and checks a video against.
    public struct Probe: Sendable, Decodable {
        public var width: Int
        public var height: Int
        public var duration: Double
        public var fps: Double?
    }

    /// `settings.smooth`: `none`, `ema:SECONDS`, `window:SECONDS` or `hmm:STICKINESS`.
    public struct Settings: Sendable, Decodable {
        public var smooth: String?
    }

    /// `counts` of the meta file.
    public struct Counts: Sendable, Decodable {
        public var records: Int
        public var faces: Int
        public var tracks: Int
        public var ok: Int?
        public var damaged: Int?
        public var undecodable: Int?
        public var failed: Int?
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", input, timeline, status, error, probe, settings, counts
    }

    /// Whether smoothing ran.
    public var smoothed: Bool { (settings.smooth ?? "none") != "none" }

    /// Reads `path`.
    /// - Throws: `AnalyticsError` naming the file when it is missing, not JSON, lacks a key or has another version.
    public static func read(_ path: String) throws(AnalyticsError) -> MetaFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AnalyticsError("\(path): cannot read the meta file: \(error.localizedDescription)")
        }
        let meta: MetaFile
        do { meta = try JSONDecoder().decode(MetaFile.self, from: data) } catch {
            throw AnalyticsError("\(path): not a Mien meta file: \(describe(error))")
        }
        guard meta.schemaVersion == 1 else {
            throw AnalyticsError("\(path): schema_version \(meta.schemaVersion) is not one this mien reads (1)")
        }
        return meta
    }

    private static func describe(_ error: any Error) -> String {
        let dotted = { (path: [any CodingKey]) in path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, let c): return "missing \(dotted(c.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "\(dotted(c.codingPath)): \(c.debugDescription)"
        case DecodingError.dataCorrupted(let c):
            let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? c.debugDescription
        default: return "\(error)"
        }
    }
}
