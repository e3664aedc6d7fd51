import MienMedia

extension LinearResize {
    /// `image` resized by the definition, one output pixel at a time with no
    /// tables or row cache: the plain version the fast path is tested against.
    public static func reference(_ image: PixelImage, width: Int, height: Int) -> PixelImage {
        precondition(image.layout == .gray, "LinearResize takes gray images, got \(image.layout)")
        let (sw, sh) = (image.width, image.height)
        func pixel(_ x: Int, _ y: Int) -> Int32 { Int32(image.pixels[y * sw + x]) }
        var out = [UInt8](repeating: 0, count: width * height)
        for dy in 0..<height {
            let v = tap(dy, source: sh, destination: height, clampFraction: false)
            for dx in 0..<width {
                let u = tap(dx, source: sw, destination: width, clampFraction: true)
                // Horizontal pass on the two source rows (row indices clamped to the image).
                func horizontal(_ y: Int) -> Int32 {
                    let row = min(max(y, 0), sh - 1)
                    if u.index + 1 >= sw { return pixel(u.index, row) * 2048 }
                    return pixel(u.index, row) * u.w0 + pixel(u.index + 1, row) * u.w1
                }
                out[dy * width + dx] = blend(horizontal(v.index), horizontal(v.index + 1), v.w0, v.w1)
            }
        }
        return PixelImage(width: width, height: height, layout: .gray, pixels: out)
    }
}
