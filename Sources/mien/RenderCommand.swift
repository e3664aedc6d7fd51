import ArgumentParser
import Dispatch
import Foundation
import MienMedia
import MienPipeline
import MienService

extension Mien {
    /// `mien render`: a video with a timeline's faces drawn on it.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a timeline's faces on its video: box, track id, emotion and confidence of each face.",
            discussion: """
                Writes OUT (its extension chooses the container: .mp4, .mov, .mkv) with every frame of \
                INPUT, each showing the faces of the timeline record whose analysed frame (frame_t) is \
                the latest at or before it: with a timeline of every frame, its own faces; on a --fps \
                grid, those of the last analysed frame. Boxes are in the track's colour with a label \
                "#TRACK EMOTION NN%" (the smoothed emotion when the timeline is smoothed).

                The video is encoded as H.264 (libx264, CRF 20) where FFmpeg has it, else MPEG-4 \
                Part 2 (--codec chooses). Each frame keeps its input timestamp, so frame count, timing \
                and duration are the input's; the audio is copied unchanged. Frames are drawn upright \
                as a player shows the input (the display rotation applied), so OUT has no rotation \
                of its own. The file is written under a temporary name and renamed when complete.

                Before anything is written the timeline is checked against INPUT: every line must be \
                a record, in time order, within the video's duration, with boxes on the frame; the \
                meta file beside it (NAME.meta.json), when there is one, must name a video of the \
                same size, duration and byte count. A progress bar shows on a terminal. Exit code \
                0 on success, 1 on any error (named with the file and the cause), 130 when interrupted.
                """
        )

        @Argument(help: "The video the timeline was made from.")
        var input: String

        @Option(help: ArgumentHelp("The timeline (.timeline.jsonl) written by mien analyze.", valueName: "FILE"))
        var timeline: String

        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The video to write.", valueName: "OUT"))
        var output: String

        @Option(help: ArgumentHelp("Video encoder: auto (H.264 where available, else MPEG-4), h264 or mpeg4.", valueName: "CODEC"))
        var codec: String = VideoCodecChoice.automatic.rawValue

        @Flag(help: "Leave the audio out (for a container that cannot hold the input's audio codec).")
        var noAudio = false

        @OptionGroup var inputOptions: InputOptions

        func validate() throws {
            guard VideoCodecChoice(rawValue: codec) != nil else {
                throw ValidationError("--codec must be one of \(VideoCodecChoice.allCases.map(\.rawValue).joined(separator: ", ")), not '\(codec)'.")
            }
        }

        func run() throws {
            let clock = DispatchTime.now().uptimeNanoseconds
            let stop = StopSignal()
            try RenderTarget.check(output: output, input: input, timeline: timeline)
            let reader: VideoReader
            do { reader = try VideoReader(path: input, options: inputOptions.mediaOptions(threads: 0)) } catch { throw Fatal(error.description) }
            let info = reader.info
            if info.isImage { throw Fatal("\(input): a still image; mien render draws on videos") }
            do { try Self.checkTimeline(timeline, against: info, video: input) } catch { throw Fatal(error.message) }

            let writer: VideoWriter
            do {
                writer = try VideoWriter(path: output, like: info, audioFrom: noAudio ? nil : input,
                                         codec: VideoCodecChoice(rawValue: codec) ?? .automatic,
                                         options: inputOptions.mediaOptions())
            } catch { throw Fatal(error.description) }
            let display = ProgressDisplay.onTerminal()
            defer { display?.clear() }
            var frames = 0
            do {
                let cursor = TimelineCursor(reader: try TimelineReader(path: timeline))
                let overlay = FaceOverlay(width: info.width, height: info.height)
                while let frame = try reader.nextFrame() {
                    if stop.requested {
                        display?.clear()
                        Mien.warn("interrupted: \(output) was not written")
                        throw ExitCode(130)
                    }
                    var image = try frame.image(PixelRequest(.rgb))
                    overlay.draw(try cursor.record(at: frame.time)?.faces ?? [], on: &image)
                    try writer.append(image, as: frame)
                    frames += 1
                    display?.bar(done: frames, total: info.frames, unit: "frames")
                }
                try writer.finish()
            } catch let error as MediaError {
                throw Fatal(error.description)
            } catch let error as AnalysisError {
                throw Fatal(error.message)
            }
            display?.clear()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            let audio = writer.audioCodec.map { "\($0) audio copied" } ?? "no audio"
            Mien.warn("rendered \(frames) frames into \(output) (\(info.width)x\(info.height), \(writer.encoderName), \(audio)) in "
                + String(format: "%.1f s, %.1f frames/s", seconds, Double(frames) / max(seconds, 1e-9)))
            if reader.stats.corruptPackets > 0 || reader.endedWithErrors {
                Mien.warn("warning: \(input): the decoder skipped damaged data (\(reader.stats.corruptPackets) packets); those frames are missing from \(output)")
            }
        }

        /// Reads the whole timeline once, checking it and its meta file against the video before anything is written.
        static func checkTimeline(_ timeline: String, against info: VideoInfo, video: String) throws(AnalysisError) {
            var check = TimelineVideoCheck(timeline: timeline, video: video, info: info)
            if let meta = TimelineVideoCheck.metaPath(forTimeline: timeline), FileManager.default.fileExists(atPath: meta) {
                let bytes = (try? FileManager.default.attributesOfItem(atPath: video)[.size] as? NSNumber)?.intValue
                try check.checkMeta(at: meta, videoBytes: bytes)
            }
            let reader = try TimelineReader(path: timeline)
            var records = 0
            while let record = try reader.next() {
                try check.check(record, line: reader.lineNumber)
                records += 1
            }
            if records == 0 { throw AnalysisError(.badTimeline, "\(timeline): holds no timeline records") }
        }
    }
}
