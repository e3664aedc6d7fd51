import MienMedia
import MienNN

/// How a classifier wants its faces: a gray image of a fixed size, each pixel
/// value mapped to a float by a fixed table.
///
/// `tensor(faces:)` resizes each gray crop with OpenCV's bilinear rounding
/// (`LinearResize`) and maps the pixels through the table, giving the
/// `[N, 1, height, width]` batch the network takes.
public struct FacePreprocessing: Sendable, Equatable {
    /// Input width in pixels.
    public let width: Int
    /// Input height in pixels.
    public let height: Int
    /// The float value fed to the network for each 8-bit gray value.
    public let values: [Float]
    /// The mapping in words, for reports (e.g. `(x / 255 - 0.5) * 2`).
    public let formula: String

    /// A preprocessing of `width` x `height` gray faces with the value table made by `map`.
    public init(width: Int, height: Int, formula: String, map: (UInt8) -> Float) {
        self.width = width
        self.height = height
        self.formula = formula
        self.values = (0...255).map { map(UInt8($0)) }
    }

    /// The `fer` package's preprocessing at `size` x `size`: `x = (x / 255 - 0.5) * 2`,
    /// evaluated in float32 as numpy does (`astype("float32") / 255.0`, then `(x - 0.5) * 2.0`).
    public static func fer(size: Int) -> FacePreprocessing {
        FacePreprocessing(width: size, height: size, formula: "(x / 255 - 0.5) * 2") { x in
            let unit: Float = Float(x) / 255
            return (unit - 0.5) * 2
        }
    }

    /// The faces (gray, any size) resized to the input size and mapped: `[N, 1, height, width]`.
    /// - Throws: `ClassifierError.badFace` naming the face's position when one is not gray or is empty.
    public func tensor(faces: [PixelImage]) throws(ClassifierError) -> Tensor {
        let plane = width * height
        var data = [Float](repeating: 0, count: faces.count * plane)
        var resized = [UInt8](repeating: 0, count: plane)
        try data.withUnsafeMutableBufferPointer { (out) throws(ClassifierError) in
            try values.withUnsafeBufferPointer { (table) throws(ClassifierError) in
                for (i, face) in faces.enumerated() {
                    guard face.layout == .gray, face.width > 0, face.height > 0 else {
                        throw ClassifierError(.badFace,
                            "face \(i): the classifier takes non-empty gray images, got \(face.width)x\(face.height) \(face.layout)")
                    }
                    let target = out.baseAddress! + i * plane
                    face.pixels.withUnsafeBufferPointer { src in
                        if face.width == width && face.height == height {
                            for p in 0..<plane { target[p] = table[Int(src[p])] }
                        } else {
                            resized.withUnsafeMutableBufferPointer { r in
                                LinearResize.resize(src.baseAddress!, width: face.width, height: face.height,
                                                    into: r.baseAddress!, width: width, height: height)
                                for p in 0..<plane { target[p] = table[Int(r[p])] }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [faces.count, 1, height, width], data: data)
    }

    public static func == (a: FacePreprocessing, b: FacePreprocessing) -> Bool {
        a.width == b.width && a.height == b.height && a.values == b.values
    }
}
