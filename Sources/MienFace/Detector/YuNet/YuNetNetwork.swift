import MienMedia
import MienNN

/// YuNet-s (libfacedetection, 2023; 54,608 parameters), the network alone:
/// an image in, every cell's raw outputs at strides 8, 16 and 32 out.
///
/// ```
/// [1,3,H,W] pixels 0...255 (H, W multiples of 32; YuNetDetector pads with zeros)
/// model0  conv3x3/2 3->16 + ReLU, unit 16->16            H/2
///         max-pool 2/2                                  H/4
/// model1  unit 16->16, unit 16->32
/// model2  unit 32->32, unit 32->64, max-pool 2/2         H/8
/// model3  unit 64->64 x2                      -> fb1     H/8
/// model4  max-pool, unit 64->64 x2            -> fb2     H/16
/// model5  max-pool, unit 64->64 x2            -> fb3     H/32
/// neck    fb3 = lateral2(fb3); fb2 = lateral1(fb2 + up2(fb3)); fb1 = lateral0(fb1 + up2(fb2))
/// heads   per level: cls 1, obj 1, bbox 4, kps 10 (units without ReLU), run as one 64->16 unit
/// ```
/// A unit is `SeparableUnit` (pointwise, then depthwise 3x3 with ReLU).
struct YuNetNetwork: Sendable {
    /// The weight file's name in the model folder.
    static let fileName = "yunet_s.safetensors"
    /// The output strides of the three levels.
    static let strides = [8, 16, 32]
    /// Channels of a level's stacked head output: cls, obj, 4 box offsets, 10 landmark offsets.
    static let headChannels = 16

    let stem: Conv2D
    /// `stem` for the fast path: its unfolded 3x3 windows through `PointwiseConv`.
    let fastStem: PointwiseConv
    let stemUnit: SeparableUnit
    /// model1 ... model5, two units each.
    let stages: [[SeparableUnit]]
    /// lateral_convs 0, 1, 2 (fb1, fb2, fb3).
    let laterals: [SeparableUnit]
    /// Per level, the four heads stacked: channel 0 cls, 1 obj, 2-5 bbox, 6-15 kps.
    let heads: [SeparableUnit]
    let pool = MaxPool2D(kernel: (2, 2), stride: (2, 2))
    /// model0 to model3 with both pools, streamed row by row from the pixels
    /// (`RowStream`) to fb1: the fast path's high-resolution layers.
    let front: RowStream

    /// Loads the weights at `path` (names as `Models/convert_yunet.py` writes them).
    /// - Throws: `NNError` naming the file and the tensor when one is missing, mis-shaped or left over.
    init(path: String) throws(NNError) {
        let loader = try WeightLoader(path: path)
        stem = Conv2D(weight: try loader.tensor("backbone.model0.conv.weight", shape: [16, 3, 3, 3]),
                      bias: try loader.vector("backbone.model0.conv.bias", count: 16),
                      stride: (2, 2), padding: .symmetric(1), activation: .relu)
        fastStem = PointwiseConv(unfolding: stem)
        stemUnit = try SeparableUnit(loader, "backbone.model0.dp", inputs: 16, outputs: 16, relu: true)
        let widths = [(16, 16, 32), (32, 32, 64), (64, 64, 64), (64, 64, 64), (64, 64, 64)]
        var stages: [[SeparableUnit]] = []
        for (i, (a, b, c)) in widths.enumerated() {
            stages.append([try SeparableUnit(loader, "backbone.model\(i + 1).dp1", inputs: a, outputs: b, relu: true),
                           try SeparableUnit(loader, "backbone.model\(i + 1).dp2", inputs: b, outputs: c, relu: true)])
        }
        self.stages = stages
        var laterals: [SeparableUnit] = []
        for i in 0..<3 { laterals.append(try SeparableUnit(loader, "neck.lateral.\(i)", inputs: 64, outputs: 64, relu: true)) }
        self.laterals = laterals
        var heads: [SeparableUnit] = []
        for level in 0..<3 {
            var parts: [SeparableUnit] = []
            for (name, outputs) in [("cls", 1), ("obj", 1), ("bbox", 4), ("kps", 10)] {
                parts.append(try SeparableUnit(loader, "head.\(name).\(level)", inputs: 64, outputs: outputs, relu: false))
            }
            heads.append(.stacked(parts))
        }
        self.heads = heads
        front = RowStream(stem: fastStem, layers: [
            .separable(stemUnit.fused), .maxPool2(channels: 16),
            .separable(stages[0][0].fused), .separable(stages[0][1].fused),
            .separable(stages[1][0].fused), .separable(stages[1][1].fused), .maxPool2(channels: 64),
            .separable(stages[2][0].fused), .separable(stages[2][1].fused),
        ])
        try loader.finish()
    }

    /// The three levels' stacked head outputs `[1, 16, H/s, W/s]` for s = 8, 16, 32,
    /// for an input `[1, 3, H, W]` whose sides are multiples of 32.
    func callAsFunction(_ image: Tensor) -> [Tensor] {
        run(image, reference: false)
    }

    /// The same through every layer's reference implementation, for tests.
    func reference(_ image: Tensor) -> [Tensor] {
        run(image, reference: true)
    }

    /// The feature maps on the way, for parity checks layer by layer.
    struct Trace {
        /// model0's output (1/2 scale).
        var stem: Tensor
        var fb1: Tensor
        var heads: [Tensor]
    }

    /// The forward pass on a float image, layer after layer, keeping the stem's
    /// output (after model0) and the neck's fb1. `lap`, if given, is called with
    /// each step's name as soon as it is done (for profiling).
    func trace(_ image: Tensor, reference: Bool = false, lap: ((String) -> Void)? = nil) -> Trace {
        let (_, c, h, w) = image.nchw
        precondition(c == 3 && h % 32 == 0 && w % 32 == 0, "YuNet takes [1, 3, H, W] with H, W multiples of 32, got \(image.shape)")
        func unit(_ u: SeparableUnit, _ x: Tensor) -> Tensor { reference ? u.reference(x) : u(x) }
        func pooled(_ x: Tensor) -> Tensor { reference ? pool.reference(x) : pool(x) }
        let conv = reference ? stem.reference(image) : fastStem.unfolded(image, as: stem)
        lap?("model0 conv")
        let stemOut = unit(stemUnit, conv)
        lap?("model0 unit")
        var x = pooled(stemOut)
        lap?("pool 1")
        x = unit(stages[0][1], unit(stages[0][0], x))
        lap?("model1")
        x = pooled(unit(stages[1][1], unit(stages[1][0], x)))
        lap?("model2 + pool")
        let fb1 = unit(stages[2][1], unit(stages[2][0], x))
        lap?("model3")
        let (neck1, outputs) = tail(fb1, reference: reference, lap: lap)
        return Trace(stem: stemOut, fb1: neck1, heads: outputs)
    }

    /// The fast path from 8-bit pixels (`.rgb` or `.rgbPlanar`), padded with zeros
    /// to multiples of 32: model0 to model3 streamed (`front`), then the rest.
    /// The same bits as `trace` of the image's float input.
    func run(_ image: PixelImage, lap: ((String) -> Void)? = nil) -> [Tensor] {
        let fb1 = image.pixels.withUnsafeBufferPointer { pixels in
            front(pixels: pixels, planar: image.layout == .rgbPlanar, width: image.width, height: image.height,
                  paddedWidth: YuNetDetector.padded(image.width), paddedHeight: YuNetDetector.padded(image.height))
        }
        lap?("model0-3 + pools, streamed")
        return tail(fb1, reference: false, lap: lap).heads
    }

    /// From model3's output (fb1) on: the neck's fb1 and the three levels' head outputs.
    private func tail(_ backboneFb1: Tensor, reference: Bool, lap: ((String) -> Void)?) -> (fb1: Tensor, heads: [Tensor]) {
        func unit(_ u: SeparableUnit, _ x: Tensor) -> Tensor { reference ? u.reference(x) : u(x) }
        func pooled(_ x: Tensor) -> Tensor { reference ? pool.reference(x) : pool(x) }
        func add(_ coarse: Tensor, _ fine: consuming Tensor) -> Tensor {
            reference ? NearestUpsample.addUpsampled2xReference(coarse, to: fine) : NearestUpsample.addUpsampled2x(coarse, to: fine)
        }
        var fb1 = backboneFb1
        var fb2 = unit(stages[3][1], unit(stages[3][0], pooled(fb1)))
        var fb3 = unit(stages[4][1], unit(stages[4][0], pooled(fb2)))
        lap?("model4-5")
        fb3 = unit(laterals[2], fb3)
        // The sums are made in fb2's and fb1's own storage (consumed), not in copies.
        fb2 = unit(laterals[1], add(fb3, consume fb2))
        fb1 = unit(laterals[0], add(fb2, consume fb1))
        lap?("neck")
        let outputs = zip(heads, [fb1, fb2, fb3]).map { unit($0.0, $0.1) }
        lap?("heads")
        return (fb1, outputs)
    }

    private func run(_ image: Tensor, reference: Bool) -> [Tensor] {
        trace(image, reference: reference).heads
    }
}
