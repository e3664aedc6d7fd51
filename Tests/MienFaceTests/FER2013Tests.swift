import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// The classifiers on the real FER-2013 PublicTest split (opt-in: needs ../shared).
@Suite("FER-2013 PublicTest", .serialized, .enabled(if: SharedDatasets.fer2013Available, Comment(rawValue: SharedDatasets.skipReason)))
final class FER2013Tests {
    let root: String

    init() throws { root = try SharedDatasets.unpack(SharedDatasets.fer2013PublicTest()) }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The first image of each class, which the reference file holds as cv2 decoded it.
    static let firstImages = ["angry/PublicTest_10116449.jpg", "disgust/PublicTest_11387162.jpg",
                              "fear/PublicTest_10150476.jpg", "happy/PublicTest_10130075.jpg",
                              "sad/PublicTest_10404299.jpg", "surprise/PublicTest_10709121.jpg",
                              "neutral/PublicTest_10014592.jpg"]

    @Test func grayDecodingEqualsOpenCVs() throws {
        let crops = try ReferenceFile.miniXception().bytes("fer2013_faces48_uint8")
        try #require(crops.count == Self.firstImages.count * 2304)
        for (i, name) in Self.firstImages.enumerated() {
            let ours = try ImageFolder.grayImage(root + "/publictest/" + name)
            let theirs = Array(crops[(i * 2304)..<((i + 1) * 2304)])
            let worst = zip(ours.pixels, theirs).map { abs(Int($0) - Int($1)) }.max() ?? 0
            print("decode \(name): max |difference| to cv2 \(worst)")
            #expect(worst == 0, "\(name): libjpeg decodes as cv2's and Pillow's libjpeg-turbo do")
        }
    }

    @Test func miniXceptionAccuracy() throws {
        let dataset = try ImageFolder(path: root + "/publictest")
        #expect(dataset.items.count == 3589)
        #expect(dataset.counts == [467, 56, 496, 895, 653, 415, 607])
        let result = try ClassifierEvaluation.run(try MiniXception.load(), on: dataset)
        let accuracy = result.confusion.accuracy * 100
        print(String(format: "mini-Xception on FER-2013 PublicTest: %.2f%% (%d of %d)", accuracy,
                     result.confusion.correct, result.confusion.total))
        #expect(result.unreadable.isEmpty)
        #expect(abs(accuracy - 58.37) <= 0.2, "accuracy \(accuracy)%, the Keras model scores 58.37%")
    }

    /// `mien eval`'s path (libjpeg decoding, Swift preprocessing and engine)
    /// against the accuracy PyTorch measured at export (Pillow's decoding, the
    /// same libjpeg), which the weight file records (with flip TTA when the
    /// model averages flips): within 0.1 points (equal since `GrayJPEG`).
    @Test func expressionNetAccuracyMatchesPyTorch() throws {
        let dataset = try ImageFolder(path: root + "/publictest")
        let model = try ExpressionNet.load()
        let key = model.flipAveraging ? "publictest_accuracy_flip_tta" : "publictest_accuracy"
        let recorded = try #require(Double(try SafeTensorsFile(path: model.weightFile).metadata[key] ?? ""))
        let result = try ClassifierEvaluation.run(model, on: dataset)
        let accuracy = result.confusion.accuracy * 100
        print(String(format: "expression-net on FER-2013 PublicTest: %.2f%% (%d of %d); PyTorch %.2f%%", accuracy,
                     result.confusion.correct, result.confusion.total, recorded * 100))
        #expect(result.unreadable.isEmpty)
        #expect(abs(accuracy - recorded * 100) <= 0.1)
    }
}
