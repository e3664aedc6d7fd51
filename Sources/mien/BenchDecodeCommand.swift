import ArgumentParser
import Foundation
import MienMedia

extension Mien {
    /// `mien bench decode`: decode + gray conversion speed against the ffmpeg command.
    struct BenchDecode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Frames per second for decoding and converting to gray at native size, beside `ffmpeg -threads 1 -i FILE -vf format=gray -f null -`."
        )

        @Option(help: "Decoder threads.")
        var threads = 1

        @Option(help: "Runs of each side; the best is reported.")
        var repeats = 3

        @Flag(name: .customLong("no-ffmpeg"), help: "Skip the ffmpeg command.")
        var noFFmpeg = false

        @OptionGroup var inputOptions: InputOptions

        @Argument(help: "A video file.")
        var file: String

        func validate() throws {
            if threads < 0 { throw ValidationError("--threads must be 0 (automatic) or more.") }
            if repeats < 1 { throw ValidationError("--repeats must be at least 1.") }
        }

        func run() throws {
            let options = inputOptions.mediaOptions(threads: threads)
            let info = try VideoProber.probe(file, options: options)
            print("decode + gray at native size, \(threads) decoder thread(s), best of \(repeats):")
            print("  \(file): \(info.width)x\(info.height) \(info.codec), \(info.frames) frames")
            var mien = DecodeTiming(frames: 0, seconds: .infinity)
            for _ in 0..<repeats { mien = min(mien, try Self.timeMien(file, options: options)) }
            print(mien.line(label: "mien"))
            guard !noFFmpeg else { return }
            var ffmpeg = DecodeTiming(frames: mien.frames, seconds: .infinity)
            for _ in 0..<repeats { ffmpeg = min(ffmpeg, try Self.timeFFmpeg(file, frames: mien.frames)) }
            print(ffmpeg.line(label: "ffmpeg") + "   (ffmpeg -threads 1 -i FILE -vf format=gray -f null -; its own rtime)")
            print(String(format: "  mien / ffmpeg: %.2fx", mien.framesPerSecond / ffmpeg.framesPerSecond))
        }

        static func timeMien(_ file: String, options: MediaOpenOptions) throws -> DecodeTiming {
            let start = DispatchTime.now()
            let reader = try VideoReader(path: file, options: options)
            var frames = 0
            var checksum = 0
            try reader.read(sampling: .everyFrame) { sample in
                let gray = try sample.frame.image(PixelRequest(.gray))
                checksum &+= Int(gray.pixels[gray.pixels.count / 2])
                frames += 1
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            _ = checksum
            return DecodeTiming(frames: frames, seconds: seconds)
        }

        /// Runs the ffmpeg command with `-benchmark` and reads back the frames it
        /// decoded and its own transcode time (`rtime`, which leaves out the
        /// process start), falling back to the wall time.
        static func timeFFmpeg(_ file: String, frames: Int) throws -> DecodeTiming {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ffmpeg", "-nostdin", "-hide_banner", "-benchmark",
                                 "-threads", "1", "-i", file, "-vf", "format=gray", "-f", "null", "-"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            let start = DispatchTime.now()
            do { try process.run() } catch {
                throw ValidationError("cannot run ffmpeg (\(error.localizedDescription)); pass --no-ffmpeg to skip it")
            }
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            guard process.terminationStatus == 0 else {
                throw ValidationError("ffmpeg exited with status \(process.terminationStatus) on \(file)")
            }
            let decoded = Self.lastNumber(after: "frame=", in: log).map { Int($0) } ?? frames
            let seconds = Self.lastNumber(after: "rtime=", in: log) ?? wall
            return DecodeTiming(frames: decoded, seconds: seconds)
        }

        /// The number after the last occurrence of `key` in ffmpeg's log.
        static func lastNumber(after key: String, in log: String) -> Double? {
            guard let range = log.range(of: key, options: .backwards) else { return nil }
            let digits = log[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber || $0 == "." }
            return Double(digits)
        }
    }
}

/// Frames decoded and the wall time it took.
struct DecodeTiming: Comparable {
    var frames: Int
    var seconds: Double

    var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }

    static func < (a: DecodeTiming, b: DecodeTiming) -> Bool { a.seconds < b.seconds }

    func line(label: String) -> String {
        "  " + label.padding(toLength: 8, withPad: " ", startingAt: 0)
            + String(format: "%6d frames  %8.3f s  %8.1f frames/s", frames, seconds, framesPerSecond)
    }
}
