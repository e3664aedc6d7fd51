import Foundation
import MienMedia
import MienPipeline

/// `POST /v1/predict`: one JPEG or PNG image through the same stages as a
/// video's frame (detect, align, classify; `ShardAnalyzer`), with models
/// loaded once when the server starts.
///
/// The image is written to a private scratch folder (FFmpeg reads files) and
/// removed when it has been read. Its format is checked from its first bytes
/// before anything reads it.
public struct ImagePredictor: Sendable {
    /// The analyzer (models and settings).
    let analyzer: ShardAnalyzer
    /// A folder only this server writes to.
    let scratch: String

    /// Loads the models `settings` names.
    /// - Throws: `AnalysisError` when the models cannot be loaded; `ServerSetupError` without a scratch folder.
    public init(settings: AnalysisSettings = AnalysisSettings(), modelsDirectory: String? = nil) throws {
        let models = try AnalysisModels(settings: settings, directory: modelsDirectory)
        analyzer = ShardAnalyzer(models: models, settings: settings, threads: 1)
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mien-serve-\(getpid())-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerSetupError("cannot make a scratch folder for images: \(error.localizedDescription)")
        }
    }

    /// The kind of image `bytes` start with: "jpg", "png", or nil.
    static func imageKind(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        return nil
    }

    /// The faces in the image, in the timeline's order (largest first as detected).
    /// - Throws: `APIError` 415 when the bytes are not a JPEG or PNG image,
    ///   422 when they cannot be decoded as one.
    public func predict(_ bytes: [UInt8]) throws(APIError) -> [FaceRecord] {
        guard let kind = Self.imageKind(bytes) else {
            throw APIError(.unsupportedMediaType, "the body is not a JPEG or PNG image")
        }
        let file = scratch + "/" + UUID().uuidString + "." + kind
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw APIError(.internalServerError, "internal error: the image could not be stored for reading")
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result: ShardResult
        do {
            let info = try VideoProber.probe(file)
            guard info.isImage || info.duration <= 1 else {
                throw APIError(.unprocessableContent, "the body is not a single still image")
            }
            result = try analyzer.analyze(info)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.unprocessableContent, "the \(kind == "jpg" ? "JPEG" : "PNG") image could not be decoded")
        }
        guard let frame = result.records.first, frame.status == .ok || frame.status == .damaged else {
            throw APIError(.unprocessableContent, "the \(kind == "jpg" ? "JPEG" : "PNG") image could not be decoded")
        }
        // An image is a timeline of one record: each face is a track of its own,
        // kept by its score as the assemblers would (YuNet reports faces from 0.3).
        return frame.faces.filter { analyzer.settings.keepsTrack(meanScore: $0.score) }
    }

    /// `{"faces":[...]}` for `faces`.
    static func responseJSON(_ faces: [FaceRecord]) -> String {
        "{\"faces\":[" + faces.map { $0.imageJSONObject() }.joined(separator: ",") + "]}"
    }

    /// Removes the scratch folder.
    public func removeScratch() {
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
