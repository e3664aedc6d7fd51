import Foundation
import MienMedia

/// The readable table `mien probe` prints by default: one row per input, errors listed after.
struct ProbeTable {
    let results: [Result<VideoInfo, MediaError>]

    init(_ results: [Result<VideoInfo, MediaError>]) { self.results = results }

    static let header = ["FILE", "FORMAT", "CODEC", "SIZE", "ROT", "FPS", "DURATION", "FRAMES", "KEYS", "VFR", "AUDIO"]

    func render() -> String {
        var rows: [[String]] = []
        var errors: [String] = []
        for result in results {
            switch result {
            case .success(let info): rows.append(Self.row(info))
            case .failure(let error): errors.append("error: \(error.description)")
            }
        }
        var out = ""
        if !rows.isEmpty {
            let table = [Self.header] + rows
            let widths = Self.header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
            for row in table {
                let cells = row.enumerated().map { i, cell in
                    i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                }
                out += cells.joined(separator: "  ") + "\n"
            }
        }
        for line in errors { out += line + "\n" }
        return out
    }

    private static func row(_ info: VideoInfo) -> [String] {
        let format = String(info.container.split(separator: ",").first ?? "")
        let pixels = info.sampleAspect.map { ", pixels \($0.num):\($0.den)" } ?? ""
        let size = (info.rotation == 0 && info.sampleAspect == nil) || info.isImage
            ? "\(info.width)x\(info.height)"
            : "\(info.width)x\(info.height) (coded \(info.codedWidth)x\(info.codedHeight)\(pixels))"
        return [
            info.path, format, info.codec, size, "\(info.rotation)",
            info.fps.map { String(format: "%.3f", $0) } ?? "-",
            info.isImage ? "image" : String(format: "%.3f s", info.duration)
                + (info.timestampResets > 0 ? " (\(info.timestampResets) resets)" : ""),
            "\(info.frames)" + ([.estimate, .header].contains(info.framesSource) ? "~" : ""),
            "\(info.keyframes)", info.vfr ? "yes" : "no", info.audio ? "yes" : "no",
        ]
    }
}
