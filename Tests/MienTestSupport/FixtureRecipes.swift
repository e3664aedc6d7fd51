import Foundation
import MienNN

/// How each fixture of `Fixtures` is made. Every clip is small (well under 100 KB).
enum FixtureRecipes {
    static func makeAll(in dir: String) throws {
        let source = { (size: String, rate: String, seconds: String) -> [String] in
            ["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate)", "-t", seconds]
        }
        try Tool.ffmpeg(source("160x120", "25", "3") + ["-f", "lavfi", "-i", "sine=frequency=440:duration=3",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-bf", "2", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-t", "3", "h264_bframes.mp4"], in: dir)
        try Tool.ffmpeg(source("128x72", "24", "2") + ["-c:v", "libx265", "-x265-params", "log-level=none:keyint=12",
            "-pix_fmt", "yuv420p", "hevc.mkv"], in: dir)
        try Tool.ffmpeg(source("100x60", "10", "1") + ["-vf", "scale=97:61,setsar=1", "-c:v", "libx264", "-pix_fmt", "yuv444p",
            "odd_97x61.mp4"], in: dir)
        try Tool.ffmpeg(source("96x64", "30000/1001", "2") + ["-c:v", "libx264", "-g", "15", "-pix_fmt", "yuv420p", "clip.ts"], in: dir)
        // Three recordings joined end to end, as `cat` joins dash-camera segments: timestamps start again twice.
        let clip = try Data(contentsOf: URL(fileURLWithPath: dir + "/clip.ts"))
        try (clip + clip + clip).write(to: URL(fileURLWithPath: dir + "/joined.ts"))
        // A transport stream cut mid-GOP at a packet boundary (split by size), five frames after its second keyframe:
        // it starts with frames that cannot be decoded.
        try Tool.ffmpeg(source("96x64", "25", "3") + ["-c:v", "libx264", "-g", "25", "-bf", "2", "-pix_fmt", "yuv420p", "long.ts"], in: dir)
        let packets = try Tool.ffprobe(dir + "/long.ts", ["-show_entries", "packet=pos,flags"]).map { $0.split(separator: ",") }
        let keys = packets.indices.filter { packets[$0].count > 1 && packets[$0][1].contains("K") }
        guard keys.count >= 2, let position = Int(packets[keys[1] + 5][0]) else { throw FixtureError("long.ts: no second GOP") }
        let long = try Data(contentsOf: URL(fileURLWithPath: dir + "/long.ts"))
        try long.suffix(from: position / 188 * 188).write(to: URL(fileURLWithPath: dir + "/cut_mid_gop.ts"))
        // Two video streams (a dash camera's front and cabin views in one file).
        try Tool.ffmpeg(source("96x64", "25", "1") + source("64x48", "25", "1") + ["-map", "0", "-map", "1",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "two_cameras.mkv"], in: dir)
        // A raw H.264 stream (an IP camera's or a Raspberry Pi's dump): packets without timestamps.
        try Tool.ffmpeg(source("96x64", "25", "2") + ["-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", "-f", "h264", "raw.h264"], in: dir)
        // A second part that starts half a second before the first ends (recordings joined with an overlap).
        try Tool.ffmpeg(source("96x64", "30000/1001", "1") + ["-c:v", "libx264", "-g", "15", "-pix_fmt", "yuv420p",
            "-output_ts_offset", "1.5", "late.ts"], in: dir)
        try (clip + (try Data(contentsOf: URL(fileURLWithPath: dir + "/late.ts")))).write(to: URL(fileURLWithPath: dir + "/overlap.ts"))
        // A second part at half the size (a recording whose resolution changed mid-stream).
        try Tool.ffmpeg(source("48x32", "30000/1001", "1") + ["-c:v", "libx264", "-g", "15", "-pix_fmt", "yuv420p",
            "-output_ts_offset", "3", "small.ts"], in: dir)
        try (clip + (try Data(contentsOf: URL(fileURLWithPath: dir + "/small.ts")))).write(to: URL(fileURLWithPath: dir + "/resized.ts"))

        // Rotation: encode upright-agnostic content, then set the display matrix on a copy.
        try Tool.ffmpeg(source("64x48", "10", "1") + ["-c:v", "libx264", "-pix_fmt", "yuv420p", "plain_64x48.mp4"], in: dir)
        // ffmpeg 5.1's "rotate" tag is the counter-clockwise angle a player undoes:
        // rotate=270 asks for a 90 degree clockwise turn, rotate=90 for 270.
        try Tool.ffmpeg(["-i", "plain_64x48.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=270", "rotate90.mp4"], in: dir)
        try Tool.ffmpeg(["-i", "plain_64x48.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=90", "rotate270.mp4"], in: dir)

        // Anamorphic video: a white bar at displayed columns 48-63 (of 96, HDV-like 4:3 pixels; 32-47 of 64,
        // DV-like 8:9 pixels), squeezed into the coded width that such pixels give, and turned sideways.
        for (name, shown, coded, aspect, bar) in [("anamorphic_4x3.mp4", "96x48", "72:48", "4/3", 48),
                                                  ("anamorphic_8x9.mp4", "64x48", "72:48", "8/9", 32)] {
            try Tool.ffmpeg(["-f", "lavfi", "-i", "color=c=black:size=\(shown):rate=10:duration=0.5",
                "-vf", "drawbox=x=\(bar):y=0:w=16:h=48:color=white:t=fill,scale=\(coded),setsar=\(aspect)",
                "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", name], in: dir)
        }
        try Tool.ffmpeg(["-i", "anamorphic_4x3.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=270",
                         "anamorphic_rotated.mp4"], in: dir)
        try Tool.ffmpeg(source("80x60", "1", "1") + ["-vf", "setsar=2/1", "-frames:v", "1", "wide_density.jpg"], in: dir)
        // HDR: a gray ramp as standard-range video, and the same picture in HLG and in PQ, standard white at the
        // 203 nits of HDR reference white (ITU-R BT.2408), as zimg converts it; 10-bit HEVC, lossless.
        let ramp = ["-f", "lavfi", "-i", "nullsrc=size=128x32:rate=5,geq=lum='16+X*219/127':cb=128:cr=128", "-t", "0.4"]
        try Tool.ffmpeg(ramp + ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", "ramp_sdr.mp4"], in: dir)
        for (name, transfer, range) in [("ramp_hlg.mp4", "arib-std-b67", "tv"), ("ramp_pq.mp4", "smpte2084", "tv"),
                                         ("ramp_hlg_full.mp4", "arib-std-b67", "full")] {
            try Tool.ffmpeg(ramp + ["-vf", "format=yuv420p,setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709,"
                + "zscale=transferin=bt709:primariesin=bt709:matrixin=bt709:rangein=tv:transfer=linear,format=gbrpf32le,"
                + "zscale=transfer=\(transfer):primaries=bt2020:matrix=2020_ncl:range=\(range):npl=203,format=yuv420p10le",
                "-c:v", "libx265", "-x265-params", "log-level=none:lossless=1:colorprim=bt2020:transfer=\(transfer):colormatrix=bt2020nc"
                + ":range=\(range)", name], in: dir)
        }
        try Tool.ffmpeg(source("64x48", "25", "1.2") + [
            "-vf", "setpts='if(lt(N,20),N*0.04,0.8+(N-20)*0.1)/TB'", "-fps_mode", "passthrough",
            "-video_track_timescale", "1000", "-c:v", "libx264", "-pix_fmt", "yuv420p", "vfr.mp4"], in: dir)
        try Tool.ffmpeg(["-f", "lavfi", "-i", "color=c=black:size=32x32:rate=2:duration=0.5",
            "-f", "lavfi", "-i", "color=c=white:size=32x32:rate=2:duration=0.5",
            "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]",
            "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", "-color_range", "tv", "black_white.mp4"], in: dir)
        try Tool.ffmpeg(source("80x60", "1", "1") + ["-frames:v", "1", "still.jpg"], in: dir)
        try Tool.ffmpeg(source("80x60", "1", "1") + ["-frames:v", "1", "still.png"], in: dir)
        for name in ["seq%03d.png", "seq001.png", "seq002.png"] {
            try FileManager.default.copyItem(atPath: dir + "/still.png", toPath: dir + "/" + name)
        }
        try makeBadInputs(in: dir, source: source)
    }

    private static func makeBadInputs(in dir: String, source: (String, String, String) -> [String]) throws {
        try Tool.ffmpeg(source("96x64", "25", "2") + ["-c:v", "libx264", "-g", "25", "full.mp4"], in: dir)
        try Tool.ffmpeg(["-i", "full.mp4", "-c", "copy", "-movflags", "+faststart", "faststart.mp4"], in: dir)
        try writeHalf(of: dir + "/faststart.mp4", to: dir + "/truncated_faststart.mp4")
        try writeHalf(of: dir + "/full.mp4", to: dir + "/truncated_moov_last.mp4")

        // Matroska and AVI cut off while recording or copying: their demuxers end without an error.
        try Tool.ffmpeg(source("96x64", "25", "4") + ["-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", "whole.mkv"], in: dir)
        try writeHalf(of: dir + "/whole.mkv", to: dir + "/truncated.mkv")
        try Tool.ffmpeg(source("96x64", "25", "4") + ["-c:v", "mjpeg", "-q:v", "10", "whole.avi"], in: dir)
        try writeHalf(of: dir + "/whole.avi", to: dir + "/truncated.avi")
        // A Matroska file whose video starts 1.5 s after its audio (its DURATION tag is the video's end time, 3.5 s).
        try Tool.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-itsoffset", "1.5", "-f", "lavfi",
            "-i", "testsrc2=size=96x64:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "late_video.mkv"], in: dir)

        var corrupt = try Data(contentsOf: URL(fileURLWithPath: dir + "/faststart.mp4"))
        var generator = SplitMix64(seed: 7)
        for i in Int(Double(corrupt.count) * 0.45)..<Int(Double(corrupt.count) * 0.6) {
            corrupt[i] = UInt8(truncatingIfNeeded: generator.next())
        }
        try corrupt.write(to: URL(fileURLWithPath: dir + "/corrupt_middle.mp4"))

        let noise = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        try noise.write(to: URL(fileURLWithPath: dir + "/noise.mp4"))
        try Data("These are notes, not a video.\n".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
        _ = FileManager.default.createFile(atPath: dir + "/empty.mp4", contents: Data())
        try Tool.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", "audio_only.m4a"], in: dir)

        try Tool.ffmpeg(source("96x64", "25", "1") + ["-c:v", "mpeg4", "mpeg4.avi"], in: dir)
        var avi = try Data(contentsOf: URL(fileURLWithPath: dir + "/mpeg4.avi"))
        replaceAll(in: &avi, Data("FMP4".utf8), with: Data("QQQQ".utf8))
        try avi.write(to: URL(fileURLWithPath: dir + "/unknown_codec.avi"))

        for side in [40000, 20000] {
            var y4m = Data("YUV4MPEG2 W\(side) H\(side) F25:1 Ip A1:1 C420jpeg\nFRAME\n".utf8)
            y4m.append(Data(repeating: 128, count: 4096))
            try y4m.write(to: URL(fileURLWithPath: dir + "/huge_\(side).y4m"))
        }

        try FileManager.default.createDirectory(atPath: dir + "/hls", withIntermediateDirectories: true)
        try Tool.ffmpeg(["-i", "../full.mp4", "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
                         "playlist.m3u8"], in: dir + "/hls")
        try Data("ffconcat version 1.0\nfile 'full.mp4'\nfile 'faststart.mp4'\n".utf8)
            .write(to: URL(fileURLWithPath: dir + "/list.ffconcat"))
    }

    private static func writeHalf(of source: String, to destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: destination))
    }

    private static func replaceAll(in data: inout Data, _ pattern: Data, with replacement: Data) {
        var start = data.startIndex
        while let found = data.range(of: pattern, in: start..<data.endIndex) {
            data.replaceSubrange(found, with: replacement)
            start = found.upperBound
        }
    }
}

