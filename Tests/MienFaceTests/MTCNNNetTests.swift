import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// The three networks against the outputs of facenet-pytorch 2.6.0 recorded in
/// `Models/reference/mtcnn_reference.safetensors` (inputs already normalised).
@Suite("MTCNN networks match facenet-pytorch")
struct MTCNNNetTests {
    // Tolerances: about 10x the largest error measured (see Tolerance.swift).
    /// P-Net's outputs against facenet-pytorch: measured 9.2e-7 (prob), 5.1e-7 (reg).
    static let pnetTolerance: Float = 1e-5
    /// R-Net's outputs against facenet-pytorch: measured 1.8e-7.
    static let rnetTolerance: Float = 2e-6
    /// O-Net's outputs against facenet-pytorch: measured 1.8e-7.
    static let onetTolerance: Float = 2e-6
    /// Fast paths against their plain references: P-Net measured 5.4e-7, R-Net 3.8e-7, O-Net 7.8e-7.
    static let pnetFastPathTolerance: Float = 6e-6
    static let rnetFastPathTolerance: Float = 4e-6
    static let onetFastPathTolerance: Float = 8e-6
    /// P-Net in bands of rows against the whole map: measured 1.4e-6 (1.2e-7 with OpenBLAS's SkylakeX kernels).
    static let bandTolerance: Float = 2e-5

    static func reference() throws -> SafeTensorsFile {
        try SafeTensorsFile(path: ModelDirectory.path("reference/mtcnn_reference.safetensors"))
    }

    static func nets() throws -> (PNet, RNet, ONet) {
        (try PNet(path: ModelDirectory.path(PNet.fileName)), try RNet(path: ModelDirectory.path(RNet.fileName)),
         try ONet(path: ModelDirectory.path(ONet.fileName)))
    }

    @Test(arguments: ["12x12", "37x53", "multi_face_scale0.1"])
    func pnet(suffix: String) throws {
        let file = try Self.reference()
        let (pnet, _, _) = try Self.nets()
        let (reg, prob) = pnet(try file.tensor("pnet.input_\(suffix)"))
        let regDiff = reg.maxAbsDifference(try file.tensor("pnet.output_\(suffix).reg"))
        let probDiff = prob.maxAbsDifference(try file.tensor("pnet.output_\(suffix).prob"))
        expectWithin(regDiff, Self.pnetTolerance, "P-Net \(suffix) reg")
        expectWithin(probDiff, Self.pnetTolerance, "P-Net \(suffix) prob")
        let (h, w) = PNet.outputSize(height: try file.tensor("pnet.input_\(suffix)").shape[2],
                                     width: try file.tensor("pnet.input_\(suffix)").shape[3])
        #expect([h, w] == Array(prob.shape.suffix(2)))
    }

    @Test func rnet() throws {
        let file = try Self.reference()
        let (_, rnet, _) = try Self.nets()
        let (reg, prob) = rnet(try file.tensor("rnet.input"))
        let regDiff = reg.maxAbsDifference(try file.tensor("rnet.output.reg"))
        let probDiff = prob.maxAbsDifference(try file.tensor("rnet.output.prob"))
        expectWithin(regDiff, Self.rnetTolerance, "R-Net reg")
        expectWithin(probDiff, Self.rnetTolerance, "R-Net prob")
    }

    @Test func onet() throws {
        let file = try Self.reference()
        let (_, _, onet) = try Self.nets()
        let (reg, landmarks, prob) = onet(try file.tensor("onet.input"))
        let regDiff = reg.maxAbsDifference(try file.tensor("onet.output.reg"))
        let landmarkDiff = landmarks.maxAbsDifference(try file.tensor("onet.output.landmarks"))
        let probDiff = prob.maxAbsDifference(try file.tensor("onet.output.prob"))
        expectWithin(regDiff, Self.onetTolerance, "O-Net reg")
        expectWithin(landmarkDiff, Self.onetTolerance, "O-Net landmarks")
        expectWithin(probDiff, Self.onetTolerance, "O-Net prob")
    }

    @Test func referencePathsAgreeWithFastPaths() throws {
        let file = try Self.reference()
        let (pnet, rnet, onet) = try Self.nets()
        let p = try file.tensor("pnet.input_37x53")
        let (pFast, pPlain) = (pnet(p), pnet.reference(p))
        expectClose(pFast.reg, pPlain.reg, within: Self.pnetFastPathTolerance, "P-Net fast path reg")
        expectClose(pFast.prob, pPlain.prob, within: Self.pnetFastPathTolerance, "P-Net fast path prob")
        let r = try file.tensor("rnet.input")
        let (rFast, rPlain) = (rnet(r), rnet.reference(r))
        expectClose(rFast.reg, rPlain.reg, within: Self.rnetFastPathTolerance, "R-Net fast path reg")
        expectClose(rFast.prob, rPlain.prob, within: Self.rnetFastPathTolerance, "R-Net fast path prob")
        let o = try file.tensor("onet.input")
        let (oFast, oPlain) = (onet(o), onet.reference(o))
        expectClose(oFast.reg, oPlain.reg, within: Self.onetFastPathTolerance, "O-Net fast path reg")
        expectClose(oFast.landmarks, oPlain.landmarks, within: Self.onetFastPathTolerance, "O-Net fast path landmarks")
        expectClose(oFast.prob, oPlain.prob, within: Self.onetFastPathTolerance, "O-Net fast path prob")
    }

    @Test func columnPermutationRoundTrips() {
        let weight = Tensor(shape: [2, 24], data: (0..<48).map(Float.init))
        let permuted = MTCNNLayers.permuteColumnsToNCHW(weight, channels: 2, height: 3, width: 4)
        #expect(MTCNNLayers.unpermuteColumns(permuted, channels: 2, height: 3, width: 4) == weight)
        // Feature (c=1, h=2, w=3) of NCHW sits at 1*12 + 2*4 + 3 = 23; PyTorch reads it at (3*3 + 2)*2 + 1 = 23 too,
        // feature (c=1, h=0, w=0) at 12 in NCHW and at 1 in W,H,C order.
        #expect(permuted.data[12] == weight.data[1])
    }

    @Test func aWrongFileIsNamedInTheError() throws {
        let path = try ModelDirectory.path(PNet.fileName)
        do {
            _ = try RNet(path: path)
            Issue.record("loading P-Net weights as R-Net succeeded")
        } catch {
            #expect(error.message.contains(PNet.fileName))
            #expect(error.code == .shapeMismatch || error.code == .missingTensor)
        }
    }
}

extension MTCNNNetTests {
    /// P-Net run in bands of output rows (as the detector runs big levels) gives the whole map
    /// (up to the GEMM's summation order, which OpenBLAS may block differently for other widths).
    @Test(arguments: [(37, 53), (38, 20), (12, 12), (13, 30)])
    func pnetInBandsEqualsWhole(height: Int, width: Int) throws {
        let (pnet, _, _) = try Self.nets()
        var random = Random(seed: UInt64(height * 100 + width))
        let x = Tensor(shape: [1, 3, height, width], data: (0..<(3 * height * width)).map { _ in random.float(2) - 1 })
        let whole = pnet(x)
        let (oh, ow) = PNet.outputSize(height: height, width: width)
        for bandRows in [1, 2, 3, 5] where bandRows < oh || oh == 1 {
            var first = 0
            while first < oh {
                // Bands of at least 2 rows, as the detector makes them (a 1-row last band may need fewer than 12 input rows).
                let end = oh - (first + bandRows) < 2 ? oh : first + bandRows
                let rows = PNet.inputRows(forOutputRows: first..<end, height: height)
                var band = Tensor(shape: [1, 3, rows.count, width])
                for c in 0..<3 {
                    for (k, y) in rows.enumerated() {
                        for xi in 0..<width { band.data[(c * rows.count + k) * width + xi] = x.data[(c * height + y) * width + xi] }
                    }
                }
                let part = pnet(band).prob
                try #require(part.shape == [1, 2, end - first, ow])
                var worst: Float = 0
                for c in 0..<2 {
                    for y in first..<end {
                        for xi in 0..<ow {
                            let a = part.data[(c * (end - first) + y - first) * ow + xi], b = whole.prob.data[(c * oh + y) * ow + xi]
                            worst = max(worst, abs(a - b).isNaN ? .infinity : abs(a - b))
                        }
                    }
                }
                expectWithin(worst, Self.bandTolerance, "P-Net \(height)x\(width), \(bandRows)-row bands, band \(first)..<\(end)")
                first = end
            }
        }
    }
}
