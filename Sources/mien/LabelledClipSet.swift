import Foundation
import MienFace
import MienMedia

/// The labelled clips of a folder, for `mien bench detect`: every video with
/// a `NAME.boxes.jsonl` beside it.
struct LabelledClipSet {
    /// One clip and its labels.
    struct Clip {
        let name: String
        let video: String
        let labels: String

        /// The labelled faces of each frame, by frame index.
        func truth() throws -> [Int: [DetectionMatch.Box]] {
            struct Line: Decodable {
                struct Face: Decodable { let box: [Double] }
                let frame: Int
                let faces: [Face]
            }
            var frames: [Int: [DetectionMatch.Box]] = [:]
            let text = try String(contentsOfFile: labels, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                let decoded: Line
                do { decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8)) } catch {
                    throw Fatal("\(labels): line \(number + 1) is not a label line ({\"frame\", \"faces\": [{\"box\"}]}): \(error)")
                }
                frames[decoded.frame] = try decoded.faces.map { face in
                    guard face.box.count == 4, face.box.allSatisfy(\.isFinite), face.box[2] > face.box[0], face.box[3] > face.box[1] else {
                        throw Fatal("\(labels): line \(number + 1): a box must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1")
                    }
                    return (face.box[0], face.box[1], face.box[2], face.box[3])
                }
            }
            return frames
        }

        /// Calls `body` with every `every`-th frame (RGB) and its labelled faces;
        /// frames without a label line are skipped.
        func forEachFrame(every: Int, _ body: (PixelImage, [DetectionMatch.Box]) throws -> Void) throws {
            let truth = try truth()
            let reader = try VideoReader(path: video)
            try reader.read(sampling: .everyFrame) { sample in
                guard sample.index % every == 0, let faces = truth[sample.index] else { return }
                try body(try sample.frame.image(PixelRequest(.rgb)), faces)
            }
        }
    }

    let clips: [Clip]

    /// The clips in `folder`, by name.
    /// - Throws: `Fatal` when the folder cannot be read or holds no labelled clip.
    init(folder: String) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw Fatal("\(folder): cannot read the folder of labelled clips: \(error.localizedDescription)")
        }
        clips = names.compactMap { file -> Clip? in
            guard file.hasSuffix(".boxes.jsonl") else { return nil }
            let name = String(file.dropLast(".boxes.jsonl".count))
            guard let video = names.first(where: { $0 != file && ($0 as NSString).deletingPathExtension == name }) else { return nil }
            return Clip(name: name, video: folder + "/" + video, labels: folder + "/" + file)
        }
        if clips.isEmpty { throw Fatal("\(folder): no labelled clip (a video NAME.mp4 with NAME.boxes.jsonl beside it)") }
    }
}
