import Foundation
import MienFace

/// The readable summary `mien detect` prints for an input: totals, then the
/// faces of the first frames (all of them for an image).
struct DetectSummary {
    let path: String
    private(set) var frames = 0
    private(set) var framesWithFaces = 0
    private(set) var faces = 0
    private(set) var mostFaces = 0
    private var shown: [String] = []

    /// Frames listed one per line; the rest are only counted.
    static let framesShown = 10

    init(path: String) { self.path = path }

    mutating func add(time: Double, faces found: [FaceDetection]) {
        frames += 1
        faces += found.count
        mostFaces = max(mostFaces, found.count)
        if !found.isEmpty { framesWithFaces += 1 }
        guard shown.count < Self.framesShown else { return }
        let list = found.map { face in
            let box = DetectRecord.box(face).map { String(format: "%.0f", $0) }
            return String(format: "[%@,%@ %@x%@ %.3f]", box[0], box[1], box[2], box[3], face.score)
        }
        shown.append(String(format: "  t=%.3f  %d face%@", time, found.count, found.count == 1 ? "" : "s")
                     + (list.isEmpty ? "" : "  " + list.joined(separator: " ")))
    }

    func render() -> String {
        var out = "\(path): \(frames) frame\(frames == 1 ? "" : "s"), \(faces) face\(faces == 1 ? "" : "s")"
        if frames > 1 { out += " in \(framesWithFaces) frames, at most \(mostFaces) in one" }
        out += "\n" + shown.map { $0 + "\n" }.joined()
        if frames > shown.count { out += "  ... \(frames - shown.count) more frames (--json lists every frame)\n" }
        return out
    }
}
