import MienMedia

/// Deterministic pseudo-random numbers and images for the detector tests.
struct Random {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11
    }

    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// Uniform in `0 ..< bound`.
    mutating func float(_ bound: Float) -> Float { Float(next() % 1_000_000) / 1_000_000 * bound }

    /// An RGB image of random pixels in `layout`.
    mutating func image(width: Int, height: Int, layout: PixelLayout) -> PixelImage {
        PixelImage(width: width, height: height, layout: layout,
                   pixels: (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: next()) })
    }
}

extension PixelImage {
    /// The same pixels laid out as planes.
    var planar: PixelImage {
        guard layout == .rgb else { return self }
        var planes = [UInt8](repeating: 0, count: pixels.count)
        let plane = width * height
        for i in 0..<plane { for c in 0..<3 { planes[c * plane + i] = pixels[i * 3 + c] } }
        return PixelImage(width: width, height: height, layout: .rgbPlanar, pixels: planes)
    }
}
