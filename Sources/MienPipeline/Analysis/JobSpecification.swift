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
/// YAML aliases (`*name`) are refused (see `YAMLAliasScan`), and so are base-60
/// numbers too large for an integer (see `YAMLBaseSixtyGuard`).
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
        do {
            // Composed with the resolver `YAMLDecoder` itself uses, then checked
            // for base-60 numbers that would trap Yams (`YAMLBaseSixtyGuard`).
            let node = try Yams.compose(yaml: text, Resolver.basic.appending(.merge)) ?? ""
            if let number = YAMLBaseSixtyGuard.firstOverflow(in: node) {
                let place = number.line.map { "line \($0), column \(number.column ?? 1): " } ?? ""
                let key = number.path.isEmpty ? "" : "\(number.path): "
                throw AnalysisError(.badJobFile, "\(path): \(place)\(key)\"\(number.text)\" is too large a number "
                    + "(YAML reads a:b:c as base 60); quote it if it is text")
            }
            job = try YAMLDecoder().decode(JobSpecification.self, from: node)
        } catch let error as AnalysisError {
            throw error
        } catch let error as DecodingError {
            throw AnalysisError(.badJobFile, "\(path): \(TimelineFile.describe(error))")
        } catch {
            throw AnalysisError(.badJobFile, "\(path): not a valid YAML job: \(error)")
        }
        do { try job.analysis.validate() } catch { throw AnalysisError(.badJobFile, "\(path): \(error.message)") }
        return job
    }
}
