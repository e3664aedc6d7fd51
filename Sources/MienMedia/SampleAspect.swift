import CFFmpeg

/// The shape of a video's pixels: the sample aspect ratio (a pixel's width
/// over its height), which anamorphic video stores apart from its coded size.
///
/// DV and DVD video (720x480 or 720x576 with pixels of 8:9, 10:11, 16:15,
/// 64:45 ...), HDV (1440x1080 with 4:3 pixels shown at 1920x1080) and some
/// broadcast and camera recordings are coded with non-square pixels that a
/// player stretches to the displayed shape. Faces detected on the coded
/// pixels would be squeezed or stretched (and their 48x48 crops with them), so
/// Mien works on the displayed shape: the displayed width is the coded width
/// times the ratio, the height stays.
enum SampleAspect {
    /// Ratios beyond these are damaged headers, not real pixel shapes (the
    /// widest in use, anamorphic 4:3 coded as 16:9 in 480 lines, is 40:33 to 64:45).
    static let plausible = 0.25...4.0

    /// The ratio for `choice`'s stream: the container's, else the codec's
    /// (FFmpeg's guess without a frame); nil for square pixels, for a ratio
    /// that is unknown or implausible, and for still images, whose density
    /// fields (JPEG's JFIF) viewers do not apply.
    static func of(input: FormatContext, choice: VideoStreamChoice, isImage: Bool) -> Rational? {
        guard !isImage else { return nil }
        let guessed = av_guess_sample_aspect_ratio(input.pointer, choice.stream, nil)
        return normalized(Rational(Int(guessed.num), Int(guessed.den)))
    }

    /// Ratios this close to 1 count as square: resizing with FFmpeg's `scale`
    /// filter to a slightly different shape (1000x667 to 1000x666, 640x360 to
    /// 240x136) leaves such ratios (0.9985, 1.0074), which change no face's
    /// shape noticeably but would cost a resampling of every frame. The real
    /// anamorphic shapes are at least 6% from square (PAL's 16:15, NTSC's 10:11).
    static let nearlySquare = 0.02

    /// `ratio` in lowest terms, or nil where it is square (or nearly: `nearlySquare`), unknown or implausible.
    static func normalized(_ ratio: Rational) -> Rational? {
        guard ratio.isValid, abs(ratio.value - 1) >= nearlySquare, plausible.contains(ratio.value) else { return nil }
        var (a, b) = (ratio.num, ratio.den)
        while b != 0 { (a, b) = (b, a % b) }
        return Rational(ratio.num / a, ratio.den / a)
    }

    /// The displayed size of a `codedWidth` x `codedHeight` frame of pixels
    /// shaped `ratio` (nil: square): as a player shows it, the width times
    /// the ratio, rounded to an even number (as FFmpeg's `scale=-2`: DVD's
    /// 720 at 32:27 is 853.3, and an odd width makes `mien render` write
    /// 4:4:4 H.264, which few players open). Where that would pass the default size limits
    /// (`MediaOpenOptions`: a crafted ratio of 4 on a frame near the limit
    /// would give four times the pixels), the height is divided by it
    /// instead, which keeps the shape in fewer pixels.
    static func displaySize(_ codedWidth: Int, _ codedHeight: Int, ratio: Rational?) -> (width: Int, height: Int) {
        guard let ratio else { return (codedWidth, codedHeight) }
        let even = { (side: Double) in max(2, Int((side / 2).rounded()) * 2) }
        let wide = even(Double(codedWidth) * ratio.value)
        let limits = MediaOpenOptions()
        if wide <= limits.maxSide && wide * codedHeight <= limits.maxPixels { return (wide, codedHeight) }
        return (codedWidth, even(Double(codedHeight) / ratio.value))
    }
}
