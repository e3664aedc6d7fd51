import CFFmpeg

/// The video stream Mien reads from an open input, with its decoder, after the
/// checks that make decoding safe (a known codec, sane dimensions).
struct VideoStreamChoice {
    let stream: UnsafeMutablePointer<AVStream>
    let decoder: UnsafePointer<AVCodec>
    /// How many video streams (cover art left out) the input has; one is read.
    let videoStreams: Int

    var index: Int { Int(stream.pointee.index) }
    var parameters: UnsafeMutablePointer<AVCodecParameters> { stream.pointee.codecpar }
    var timeBase: Rational { Rational(Int(stream.pointee.time_base.num), Int(stream.pointee.time_base.den)) }

    /// Picks the video stream `options.videoStream` asks for, else the best
    /// one, never an attached picture (cover art).
    /// - Throws: `MediaError.noVideoStream` when there is none, or not the one asked for.
    init(in input: FormatContext, options: MediaOpenOptions) throws(MediaError) {
        let streams = input.streams
        let videos = streams.filter {
            $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                && ($0.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0
        }
        guard !videos.isEmpty else {
            let hasAudio = streams.contains { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
            throw MediaError(.noVideoStream, path: input.path,
                hasAudio ? "no video stream: the file has audio only" : "no video stream in the file")
        }
        let stream: UnsafeMutablePointer<AVStream>
        if let asked = options.videoStream {
            guard asked >= 0 && asked < videos.count else {
                throw MediaError(.noVideoStream, path: input.path,
                    "no video stream \(asked): the file has \(videos.count) (counted from 0)")
            }
            stream = videos[asked]
        } else {
            let best = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
            stream = videos.first { Int32($0.pointee.index) == best } ?? videos[0]
        }
        let parameters = stream.pointee.codecpar!

        let codecID = parameters.pointee.codec_id
        guard codecID != AV_CODEC_ID_NONE else {
            throw MediaError(.unsupportedCodec, path: input.path,
                "unsupported codec: unknown video codec (tag '\(Self.fourCC(parameters.pointee.codec_tag))')")
        }
        guard let decoder = avcodec_find_decoder(codecID) else {
            throw MediaError(.unsupportedCodec, path: input.path,
                "unsupported codec: this FFmpeg build has no decoder for \(String(cString: avcodec_get_name(codecID)))")
        }
        try Self.checkDimensions(parameters.pointee, path: input.path, options: options)
        self.stream = stream
        self.decoder = decoder
        videoStreams = videos.count
    }

    private static func checkDimensions(_ p: AVCodecParameters, path: String, options: MediaOpenOptions) throws(MediaError) {
        let width = Int(p.width), height = Int(p.height)
        if width <= 0 || height <= 0 {
            throw MediaError(.absurdDimensions, path: path, "invalid frame size \(width)x\(height)")
        }
        if width > options.maxSide || height > options.maxSide || width * height > options.maxPixels {
            throw MediaError(.absurdDimensions, path: path,
                "absurd frame size \(width)x\(height): the limit is \(options.maxSide) pixels a side and \(options.maxPixels) pixels a frame")
        }
    }

    /// A codec tag as four printable characters ("avc1"), or its hex value.
    static func fourCC(_ tag: UInt32) -> String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: tag >> (8 * $0)) }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return "0x" + String(tag, radix: 16) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
