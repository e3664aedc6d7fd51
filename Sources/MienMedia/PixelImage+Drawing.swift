extension PixelImage {
    /// Paints the rectangle from (`x`, `y`), `width` x `height` pixels, with
    /// `color`; the part outside the image is clipped. Only for `.rgb` images
    /// (any other layout is left unchanged).
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
        guard layout == .rgb else { return }
        let left = max(0, x), right = min(self.width, x + max(0, width))
        let top = max(0, y), bottom = min(self.height, y + max(0, height))
        guard left < right && top < bottom else { return }
        let rowWidth = self.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in top..<bottom {
                var at = (row * rowWidth + left) * 3
                for _ in left..<right {
                    buffer[at] = color.red
                    buffer[at + 1] = color.green
                    buffer[at + 2] = color.blue
                    at += 3
                }
            }
        }
    }

    /// Draws the outline of the rectangle from (`x`, `y`), `width` x `height`
    /// pixels, `thickness` pixels wide inside its edges; clipped to the image.
    public mutating func strokeRectangle(x: Int, y: Int, width: Int, height: Int, thickness: Int, color: RGBColor) {
        let line = max(1, min(thickness, (width + 1) / 2, (height + 1) / 2))
        fill(x: x, y: y, width: width, height: line, color: color)
        fill(x: x, y: y + height - line, width: width, height: line, color: color)
        fill(x: x, y: y, width: line, height: height, color: color)
        fill(x: x + width - line, y: y, width: line, height: height, color: color)
    }

    /// The colour of pixel (`x`, `y`) of an `.rgb` image.
    public func color(x: Int, y: Int) -> RGBColor {
        let at = (y * width + x) * 3
        return RGBColor(pixels[at], pixels[at + 1], pixels[at + 2])
    }
}
