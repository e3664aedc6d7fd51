import ArgumentParser
import Foundation
import MienFace
import MienMedia
import MienNN

extension Mien {
    /// `mien bench detect`: precision, recall and speed of the detectors on labelled clips.
    struct BenchDetect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "detect",
            abstract: "Precision and recall at IoU 0.5 and ms per frame of each detector, side by side, on labelled clips.",
            discussion: """
                A labelled clip is NAME.mp4 (or any video) with NAME.boxes.jsonl beside it: one JSON \
                line per frame, {"frame": i, "faces": [{"box": [x1, y1, x2, y2]}, ...]}, every face \
                in the frame (Tests/tools/make_labelled_clips.py writes such clips). Each detector \
                runs on one thread on every --every-th frame; its faces are matched to the labelled \
                ones in descending score order at IoU >= 0.5. Rows are given at several score \
                thresholds, with recall for faces of at least 24 pixels. --fer adds the detection \
                rate on a FER-2013 ImageFolder (each image is one face, enlarged 3x as `mien eval --align` does).
                """
        )

        @Option(help: ArgumentHelp("Folder of labelled clips.", valueName: "DIR"))
        var clips: String?

        @Option(help: ArgumentHelp("FER-2013 ImageFolder (e.g. PublicTest) for the detection rate.", valueName: "DIR"))
        var fer: String?

        @Option(help: "Use at most this many FER-2013 images, spread over the folder.")
        var ferLimit: Int?

        @Option(help: "Detectors to compare, comma-separated (\(DetectorKind.names)).")
        var detectors = "yunet,mtcnn"

        @Option(help: "Smallest face side the detectors search for, pixels.")
        var minFace = 12

        @Option(help: "Run the detectors on every N-th frame of each clip.")
        var every = 5

        @Option(help: "Score thresholds to report, comma-separated.")
        var thresholds = "0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95"

        @Flag(help: "One JSON object per detector and clip set instead of tables.")
        var json = false

        @Option(help: ArgumentHelp("Instead: YuNet's time per step on the first frame of this video or image.", valueName: "FILE"))
        var profile: String?

        func validate() throws {
            if clips == nil && fer == nil && profile == nil { throw ValidationError("give --clips DIR, --fer DIR or both.") }
            if every < 1 { throw ValidationError("--every must be at least 1.") }
            if minFace < 1 { throw ValidationError("--min-face must be at least 1 pixel.") }
            if (try? kinds()) == nil { throw ValidationError("--detectors: known detectors are \(DetectorKind.names).") }
            if (try? levels()) == nil { throw ValidationError("--thresholds: comma-separated numbers in [0, 1].") }
        }

        func kinds() throws -> [DetectorKind] {
            try detectors.split(separator: ",").map { name in
                guard let kind = DetectorKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("") }
                return kind
            }
        }

        func levels() throws -> [Double] {
            try thresholds.split(separator: ",").map { text in
                guard let v = Double(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(v) else { throw ValidationError("") }
                return v
            }
        }

        func run() throws {
            if let profile {
                let detector = try YuNetDetector(settings: .init(minFaceSize: minFace))
                guard let image = try Self.firstFrame(profile) else { throw Fatal("\(profile): no frame") }
                let steps = try detector.profile(image)
                print("YuNet on \(profile) (\(image.width)x\(image.height)), one thread, \(FloatKernelPath.best) kernels:")
                // (String(format:)'s %-28@ ignores the width on Linux.)
                func row(_ step: String, _ ms: Double) -> String { "  " + step.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%8.2f ms", ms) }
                for (step, ms) in steps { print(row(step, ms)) }
                print(row("total", steps.reduce(0) { $0 + $1.ms }))
                return
            }
            let kinds = try kinds(), levels = try levels()
            // YuNet keeps every face down to the lowest threshold, so each row is what that threshold gives.
            let detectors = try kinds.map { try $0.load(minFaceSize: minFace, yunetScoreThreshold: levels.min()) }
            if let clips {
                let set = try LabelledClipSet(folder: clips)
                FileHandle.standardError.write(Data("bench detect: \(set.clips.count) clips in \(clips), every \(every). frame\n".utf8))
                for (kind, detector) in zip(kinds, detectors) {
                    var tally = DetectionTally(thresholds: levels)
                    var perClip: [(String, DetectionTally, Double)] = []
                    var seconds = 0.0, frames = 0
                    for clip in set.clips {
                        var clipTally = DetectionTally(thresholds: levels)
                        var clipSeconds = 0.0, clipFrames = 0
                        try clip.forEachFrame(every: every) { image, truth in
                            let start = DispatchTime.now().uptimeNanoseconds
                            let faces = try detector.detect(image)
                            clipSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                            clipFrames += 1
                            tally.add(detections: faces, truth: truth)
                            clipTally.add(detections: faces, truth: truth)
                        }
                        seconds += clipSeconds
                        frames += clipFrames
                        perClip.append((clip.name, clipTally, clipFrames > 0 ? 1000 * clipSeconds / Double(clipFrames) : 0))
                        FileHandle.standardError.write(Data("  \(kind.rawValue) \(clip.name): \(clipFrames) frames\n".utf8))
                    }
                    let ms = frames > 0 ? 1000 * seconds / Double(frames) : 0
                    print(json ? DetectBenchReport.json(kind: kind, set: "clips", tally: tally, msPerFrame: ms)
                               : DetectBenchReport.table(kind: kind, title: "labelled clips (\(frames) frames)", tally: tally,
                                                         msPerFrame: ms, perClip: perClip))
                }
            }
            if let fer {
                let folder = try ImageFolder(path: fer)
                let items = AlignedEvaluation.subset(folder.items, count: ferLimit)
                let crops = try items.map { try ImageFolder.grayImage($0.path) }   // decoded once for every detector
                for (kind, detector) in zip(kinds, detectors) {
                    var found = 0, seconds = 0.0
                    for crop in crops {
                        let start = DispatchTime.now().uptimeNanoseconds
                        let faces = try UpscaledDetection(crop, factor: 3, margin: 0.25, fill: 0, detector: detector).faces
                        seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                        if faces.contains(where: { $0.score >= levels.first ?? 0 }) { found += 1 }
                    }
                    let rate = items.isEmpty ? 0 : Double(found) / Double(items.count)
                    if json {
                        print(#"{"detector":"\#(kind.rawValue)","set":"fer2013","images":\#(items.count),"detected":\#(found),"rate":\#(rate)}"#)
                    } else {
                        print(String(format: "%@ on FER-2013 (%@): a face in %d of %d images (%.2f%%), %.1f ms per image\n",
                                     kind.rawValue, fer, found, items.count, 100 * rate, items.isEmpty ? 0 : 1000 * seconds / Double(items.count)))
                    }
                }
            }
        }

        /// The first frame of `path` (RGB), decoding nothing after it.
        static func firstFrame(_ path: String) throws -> PixelImage? {
            struct Taken: Error { let image: PixelImage }
            do {
                try VideoReader(path: path).read(sampling: .everyFrame) { sample in
                    throw Taken(image: try sample.frame.image(PixelRequest(.rgb)))
                }
            } catch let taken as Taken {
                return taken.image
            }
            return nil
        }
    }
}
