import Foundation
import Yams

/// A job file (`Jobs/*.yaml`, given with `--job`): a description and the
/// analysis settings for one kind of recording. YAML (JSON is YAML too):
/// ```yaml
/// description: In-car driver recordings, one near face.
/// analysis:
///   fps: 10
///   min_face: 60
///   smooth: "ema:0.5"
/// ```
/// Unknown keys are errors, so a misspelt setting is never silently ignored.
/// YAML aliases (`*name`) are refused (see `YAMLAliasScan`).
/// Options given on the command line override the file's values.
public struct JobSpecification: Sendable, Equatable, Decodable {
    /// What the job is for, in words.
    public var description: String?
    /// The settings; keys left out take `AnalysisSettings`' defaults.
    public var analysis: AnalysisSettings

    enum CodingKeys: String, CodingKey, CaseIterable { case description, analysis }

    /// Decodes a job, refusing unknown keys.
    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let key = keys.sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
            throw DecodingError.dataCorrupted(.init(codingPath: [],
                debugDescription: "unknown key \"\(key)\"; a job has: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        analysis = try c.decodeIfPresent(AnalysisSettings.self, forKey: .analysis) ?? AnalysisSettings()
    }

    /// Reads and checks a job file.
    /// - Throws: `AnalysisError.badJobFile` naming the file and what is wrong in it.
    public static func load(_ path: String) throws(AnalysisError) -> JobSpecification {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnalysisError(.badJobFile, "\(path): cannot read the job file (missing or unreadable)")
        }
        return try parse(data, path: path)
    }

    /// Parses and checks the bytes of a job file; `path` names it in messages.
    /// - Throws: `AnalysisError.badJobFile` naming the file and what is wrong in it.
    public static func parse(_ data: Data, path: String) throws(AnalysisError) -> JobSpecification {
        guard let text = String(data: data, encoding: .utf8) else {
            throw AnalysisError(.badJobFile, "\(path): the job file is not UTF-8 text")
        }
        if let alias = YAMLAliasScan.firstAlias(in: text) {
            throw AnalysisError(.badJobFile, "\(path): line \(alias.line), column \(alias.column): "
                + "job files cannot use YAML aliases (*name); write the value out (or quote text that starts with *)")
        }
        let job: JobSpecification
        do { job = try YAMLDecoder().decode(JobSpecification.self, from: text) } catch let error as DecodingError {
            throw AnalysisError(.badJobFile, "\(path): \(TimelineFile.describe(error))")
        } catch {
            throw AnalysisError(.badJobFile, "\(path): not a valid YAML job: \(error)")
        }
        do { try job.analysis.validate() } catch { throw AnalysisError(.badJobFile, "\(path): \(error.message)") }
        return job
    }
}
