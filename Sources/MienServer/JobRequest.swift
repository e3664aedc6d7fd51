import Foundation
import MienPipeline
import MienService

/// The body of `POST /v1/jobs`:
/// ```json
/// {"inputs": ["class-1/monday.mp4", "class-2"],
///  "settings": {"analysis": {"fps": 2, "smooth": "hmm"}},
///  "sharding": {"shard_seconds": 60, "warm_up": 2, "max_attempts": 3},
///  "video_stream": 1, "new": false}
/// ```
/// `inputs` are paths relative to the input root (files or folders);
/// `settings` holds a job file's keys (`description`, `analysis`), checked as
/// a job file is; `sharding`, `video_stream` and `new` are `mien submit`'s
/// options of the same names. Every key but `inputs` is optional; an unknown
/// key is an error.
struct JobRequest {
    var inputs: [String]
    var analysis = AnalysisSettings()
    var shardSeconds = ShardPlanner().shardSeconds
    var warmUp = ShardPlanner().warmUp
    var maxAttempts = 3
    /// Which video stream of each input to read (`--video-stream`); nil: FFmpeg's best.
    var videoStream: Int?
    var new = false

    /// The most inputs one request may name.
    static let maxInputs = 10_000

    /// Parses and checks a body.
    /// - Throws: `APIError` 400 saying what is wrong.
    static func parse(_ data: Data) throws(APIError) -> JobRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw APIError(.badRequest, "the body must be a JSON object with \"inputs\"")
        }
        if let key = object.keys.sorted().first(where: { !["inputs", "settings", "sharding", "video_stream", "new"].contains($0) }) {
            throw APIError(.badRequest, "unknown key \"\(key)\"; a job request has: inputs, settings, sharding, video_stream, new")
        }
        guard let inputs = object["inputs"] as? [Any], !inputs.isEmpty, inputs.count <= maxInputs else {
            throw APIError(.badRequest, "\"inputs\" must be a list of 1 to \(maxInputs) paths relative to the input root")
        }
        var request = JobRequest(inputs: [])
        for input in inputs {
            guard let path = input as? String else { throw APIError(.badRequest, "\"inputs\" must hold strings (paths)") }
            request.inputs.append(path)
        }
        if let settings = object["settings"], !(settings is NSNull) {
            guard let dictionary = settings as? [String: Any],
                  let json = try? JSONSerialization.data(withJSONObject: dictionary)
            else { throw APIError(.badRequest, "\"settings\" must be a JSON object of a job file's keys") }
            do { request.analysis = try JobSpecification.parse(json, path: "settings").analysis } catch {
                throw APIError(.badRequest, error.message)
            }
        }
        if let sharding = object["sharding"], !(sharding is NSNull) {
            guard let dictionary = sharding as? [String: Any] else { throw APIError(.badRequest, "\"sharding\" must be a JSON object") }
            try request.readSharding(dictionary)
        }
        if let stream = object["video_stream"], !(stream is NSNull) {
            guard let number = Self.number(stream), number >= 0, number <= 1000, number == number.rounded() else {
                throw APIError(.badRequest, "\"video_stream\" must be a whole number from 0: which video stream of each input to read")
            }
            request.videoStream = Int(number)
        }
        if let new = object["new"], !(new is NSNull) {
            guard let flag = new as? Bool else { throw APIError(.badRequest, "\"new\" must be true or false") }
            request.new = flag
        }
        return request
    }

    private mutating func readSharding(_ dictionary: [String: Any]) throws(APIError) {
        if let key = dictionary.keys.sorted().first(where: { !["shard_seconds", "warm_up", "max_attempts"].contains($0) }) {
            throw APIError(.badRequest, "unknown key \"sharding.\(key)\"; sharding has: shard_seconds, warm_up, max_attempts")
        }
        if let value = dictionary["shard_seconds"] {
            guard let seconds = Self.number(value), seconds >= 1, seconds.isFinite else {
                throw APIError(.badRequest, "sharding.shard_seconds must be a number of seconds, at least 1")
            }
            shardSeconds = seconds
        }
        if let value = dictionary["warm_up"] {
            guard let seconds = Self.number(value), seconds >= 0, seconds.isFinite else {
                throw APIError(.badRequest, "sharding.warm_up must be 0 or more seconds")
            }
            warmUp = seconds
        }
        if let value = dictionary["max_attempts"] {
            guard let attempts = Self.number(value), attempts >= 1, attempts <= 1000, attempts == attempts.rounded() else {
                throw APIError(.badRequest, "sharding.max_attempts must be a whole number from 1 to 1000")
            }
            maxAttempts = Int(attempts)
        }
    }

    /// A JSON number as a Double; nil for anything else, `true` and `false` included.
    private static func number(_ value: Any) -> Double? {
        if let number = value as? NSNumber {
            // JSONSerialization gives true and false as NSNumbers of type char, which would read as 1 and 0.
            guard String(cString: number.objCType) != "c" else { return nil }
            return number.doubleValue
        }
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        return nil
    }

    /// The job's settings: local inputs only (no network, no playlists).
    var jobSettings: JobSettings {
        JobSettings(analysis: analysis, allowNetwork: false, allowPlaylists: false, shardSeconds: shardSeconds, warmUp: warmUp,
                    videoStream: videoStream)
    }
}
