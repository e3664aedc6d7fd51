import MienFace
import MienMedia

/// Draws a timeline record's faces on a frame: each face's box in its track's
/// colour, and above it (below it when there is no room or another label is
/// there, else inside its top) a label in that colour, `#TRACK EMOTION NN%`: the track id, the emotion and its
/// probability in percent. A smoothed timeline (`--smooth`) shows the smoothed
/// emotion and its smoothed probability. Sizes follow the frame: lines
/// `max(2, side / 200)` pixels wide (rounded down to even) and the 5x7 font
/// scaled `max(1, side / 180)` times, where side is the frame's shorter side.
/// Box corners are rounded to even pixels.
public struct FaceOverlay {
    /// Box and label colours, by track id modulo their count.
    public static let palette: [RGBColor] = [
        RGBColor(0, 230, 64), RGBColor(255, 140, 0), RGBColor(0, 200, 255), RGBColor(255, 0, 200),
        RGBColor(255, 230, 0), RGBColor(255, 40, 40), RGBColor(70, 110, 255), RGBColor(170, 255, 120),
    ]

    /// Width of box lines, pixels.
    public let thickness: Int
    /// Font scale (each font pixel is `scale` x `scale` pixels).
    public let scale: Int

    /// An overlay sized for `width` x `height` frames.
    public init(width: Int, height: Int) {
        let side = min(width, height)
        thickness = max(2, side / 200 / 2 * 2)
        scale = max(1, side / 180)
    }

    /// The colour of track `track`.
    public static func color(track: Int) -> RGBColor { palette[abs(track % palette.count)] }

    /// The label of a face: `#3 HAPPY 87%`.
    public static func label(_ face: FaceRecord) -> String {
        let (emotion, probability): (Emotion, Float) = if let smoothed = face.smoothed,
            let index = Emotion.allCases.firstIndex(of: smoothed.emotion), index < smoothed.probs.count {
            (smoothed.emotion, smoothed.probs[index])
        } else {
            (face.emotion, face.confidence)
        }
        let percent = Int((Double(probability) * 100).rounded())
        return "#\(face.track) \(emotion.rawValue) \(percent)%"
    }

    /// Draws every face of `faces` on `image` (`.rgb`, displayed pixels as the boxes are):
    /// the boxes first, then the labels, so no box line crosses a label.
    public func draw(_ faces: [FaceRecord], on image: inout PixelImage) {
        // Corners on even pixels and even line widths keep the lines' colour through 4:2:0
        // encoding, whose colour samples cover 2x2 pixels.
        let corners = faces.map { face in (x: Self.even(face.box[0]), y: Self.even(face.box[1])) }
        var boxes: [Box] = []
        for (face, corner) in zip(faces, corners) {
            let box = Box(x: corner.x, y: corner.y, width: max(2, Self.even(face.box[0] + face.box[2]) - corner.x),
                          height: max(2, Self.even(face.box[1] + face.box[3]) - corner.y))
            image.strokeRectangle(x: box.x, y: box.y, width: box.width, height: box.height, thickness: thickness,
                                  color: Self.color(track: face.track))
            boxes.append(box)
        }
        var placed: [Box] = []
        for (face, box) in zip(faces, boxes) {
            placed.append(drawLabel(Self.label(face), color: Self.color(track: face.track), box: box, avoiding: placed, on: &image))
        }
    }

    /// `value` rounded to the nearest even integer.
    private static func even(_ value: Double) -> Int { 2 * Int((value / 2).rounded()) }

    /// A filled tag of `color` holding the text: above the box, else (off the frame, or over
    /// a label already drawn) below it, else inside its top. Returns where it went.
    private func drawLabel(_ text: String, color: RGBColor, box: Box, avoiding placed: [Box], on image: inout PixelImage) -> Box {
        let padding = scale
        let size = BitmapFont.size(of: text, scale: scale)
        let width = (size.width + 2 * padding + 1) / 2 * 2, height = (size.height + 2 * padding + 1) / 2 * 2
        let x = min(max(0, box.x), max(0, image.width - width))
        let candidates = [box.y - height, box.y + box.height, max(0, box.y)].map { Box(x: x, y: $0, width: width, height: height) }
        let fits = { (tag: Box) in tag.y >= 0 && tag.y + tag.height <= image.height && !placed.contains { $0.overlaps(tag) } }
        let tag = candidates.first(where: fits) ?? candidates[candidates[0].y >= 0 ? 0 : 2]
        image.fill(x: tag.x, y: tag.y, width: tag.width, height: tag.height, color: color)
        let luma = 0.299 * Double(color.red) + 0.587 * Double(color.green) + 0.114 * Double(color.blue)
        let ink = luma > 128 ? RGBColor(0, 0, 0) : RGBColor(255, 255, 255)
        BitmapFont.draw(text, on: &image, x: tag.x + padding, y: tag.y + padding, scale: scale, color: ink)
        return tag
    }

    /// A rectangle in pixels.
    struct Box {
        var x, y, width, height: Int

        func overlaps(_ other: Box) -> Bool {
            x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
        }
    }
}
