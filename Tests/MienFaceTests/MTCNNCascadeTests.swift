import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// The whole cascade on real frames against facenet-pytorch (opt-in: needs `../shared/media`).
@Suite("MTCNN cascade matches facenet-pytorch on real frames",
       .enabled(if: SharedMedia.available, Comment(rawValue: SharedMedia.skipReason)))
struct MTCNNCascadeTests {
    static let detector: MTCNNDetector = {
        do { return try MTCNNDetector() } catch { fatalError("cannot load MTCNN: \(error)") }
    }()

    // Tolerances: about 10x the largest error measured (see Tolerance.swift).
    /// Boxes and landmarks, in pixels: measured 1.2e-4 px.
    static let pixelTolerance = 2e-3
    /// Face probabilities: measured 0 (the same float32 values); 1e-6 is about 8 float32 steps below 1.
    static let probabilityTolerance = 1e-6

    /// The reference's frames; a reference that does not decode fails the tests, never leaves them without arguments.
    static func frames() throws -> [CascadeReference.Frame] { try CascadeReference.load().frames }

    @Test(arguments: try frames())
    func sameFacesAsFacenetPytorch(frame: CascadeReference.Frame) throws {
        let image = try CascadeReference.decode(frame)
        #expect(image.width == frame.width && image.height == frame.height)
        let sha = try CascadeReference.sha256(image.pixels)
        #expect(sha == frame.rgb24Sha256, "\(frame): Mien's RGB pixels differ from ffmpeg's; boxes compared anyway")

        // Candidates entering R-Net and O-Net, as facenet-pytorch counted them.
        var clock = StageClock(enabled: false)
        let resizer = AreaResizer(image)
        let proposals = Self.detector.proposeFaces(resizer, clock: &clock)
        let refined = Self.detector.refineFaces(proposals, resizer, clock: &clock)
        #expect(proposals.count == frame.rnetCandidates, "\(frame): R-Net candidates")
        #expect(refined.count == frame.onetCandidates, "\(frame): O-Net candidates")

        let faces = try Self.detector.detect(image)
        try #require(faces.count == frame.faces, "\(frame): \(faces.count) faces, facenet-pytorch found \(frame.faces)")
        for (k, face) in faces.enumerated() {
            let box = frame.boxesXyxy[k]
            let boxDiff = zip([face.x1, face.y1, face.x2, face.y2], box).map { abs($0 - $1) }.max()!
            expectWithin(boxDiff, Self.pixelTolerance, "\(frame) face \(k): box (px)")
            expectWithin(abs(face.score - frame.probabilities[k]), Self.probabilityTolerance, "\(frame) face \(k): probability")
            let landmarkDiff = zip(face.landmarks, frame.landmarksXy[k]).map { max(abs($0.x - $1[0]), abs($0.y - $1[1])) }.max()!
            expectWithin(landmarkDiff, Self.pixelTolerance, "\(frame) face \(k): landmarks (px)")
        }
    }

    @Test func multiFaceHasFiveFaces() throws {
        let frame = try #require(try Self.frames().first { $0.file == "multi_face.jpg" })
        #expect(try Self.detector.detect(CascadeReference.decode(frame)).count == 5)
        // The same pixels in planar layout give the same faces. (Built from the RGB
        // pixels: swscale's own GBRP output need not equal its RGB24 output.)
        let image = try CascadeReference.decode(frame)
        #expect(try Self.detector.detect(image.planar) == Self.detector.detect(image))
    }

    /// The pyramid level and crops recorded in `mtcnn_reference.safetensors`, resized from Mien's own decode.
    @Test func resizesLikeTorchInterpolateArea() throws {
        let frame = try #require(try Self.frames().first { $0.file == "multi_face.jpg" })
        let image = try CascadeReference.decode(frame)
        let reference = try SafeTensorsFile(path: ModelDirectory.path("reference/mtcnn_reference.safetensors"))
        let resizer = AreaResizer(image)
        let whole = AreaResize.Region(x: 0, y: 0, width: image.width, height: image.height)

        let level = try reference.tensor("pnet.input_multi_face_scale0.1")
        var ours = Tensor(shape: level.shape)
        ours.data.withUnsafeMutableBufferPointer { resizer.resize(whole, outHeight: 67, outWidth: 101, into: $0.baseAddress!) }
        expectIdentical(ours, level, "P-Net level 0.1 of multi_face.jpg")

        // rnet.input 0-3: boxes [x1, y1, x2, y2] (integer) of multi_face.jpg, cropped [y1:y2, x1:x2].
        let boxes = [[682, 286, 789, 419], [528, 300, 632, 437], [318, 239, 407, 358], [0, 0, 120, 120]]
        let crops = try reference.tensor("rnet.input").batch(0..<4)
        var mine = Tensor(shape: crops.shape)
        mine.data.withUnsafeMutableBufferPointer { out in
            for (k, b) in boxes.enumerated() {
                resizer.resize(.init(x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1]), outHeight: 24, outWidth: 24,
                                into: out.baseAddress! + k * 3 * 24 * 24)
            }
        }
        expectIdentical(mine, crops, "R-Net crops of multi_face.jpg")
    }
}
