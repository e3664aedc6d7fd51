import Foundation

/// Times the operators at the shapes Mien's models use, fast path beside the
/// plain reference, for `mien bench ops`. Prints nothing; returns rows.
public enum OpBenchmark {
    /// One measured operator.
    public struct Row: Sendable {
        public let name: String
        public let multiplyAdds: Int
        public let fastSeconds: Double
        public let referenceSeconds: Double?
        /// Billions of multiply-adds per second on the fast path.
        public var gigaMACs: Double { Double(multiplyAdds) / fastSeconds / 1e9 }
    }

    /// Runs every case; the reference only where `withReference` (it is slow).
    public static func run(batch: Int = 64, withReference: Bool = true, minimumSeconds: Double = 0.3) -> [Row] {
        var rows: [Row] = []
        var seed: UInt64 = 1
        func random(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: seed >> 11) % 1000) / 1000
            })
        }
        func conv(_ name: String, _ n: Int, _ cin: Int, _ hw: (Int, Int), _ cout: Int, _ k: Int, stride: Int = 1, same: Bool = false) {
            let pad = same ? Padding2D.same(height: hw.0, width: hw.1, kernel: (k, k), stride: (stride, stride)) : .valid
            let op = Conv2D(weight: random([cout, cin, k, k]), bias: random([cout]).data, stride: (stride, stride), padding: pad, activation: .relu)
            let x = random([n, cin, hw.0, hw.1])
            rows.append(measure(name, op.multiplyAdds(height: hw.0, width: hw.1) * n, minimumSeconds,
                                fast: { _ = op(x) }, reference: withReference ? { _ = op.reference(x) } : nil))
        }
        func depthwise(_ name: String, _ n: Int, _ c: Int, _ hw: Int) {
            let op = DepthwiseConv2D(weight: random([c, 1, 3, 3]), padding: .same(height: hw, width: hw, kernel: (3, 3), stride: (1, 1)))
            let x = random([n, c, hw, hw])
            rows.append(measure(name, op.multiplyAdds(height: hw, width: hw) * n, minimumSeconds,
                                fast: { _ = op(x) }, reference: withReference ? { _ = op.reference(x) } : nil))
        }
        let n = batch
        conv("mini-Xception conv1 1->8 3x3 @64", n, 1, (64, 64), 8, 3)
        conv("mini-Xception conv2 8->8 3x3 @62", n, 8, (62, 62), 8, 3)
        depthwise("mini-Xception depthwise 16ch 3x3 @60", n, 16, 60)
        conv("mini-Xception pointwise 16->16 @60", n, 16, (60, 60), 16, 1)
        conv("mini-Xception skip 8->16 1x1/2 @60", n, 8, (60, 60), 16, 1, stride: 2, same: true)
        conv("mini-Xception pointwise 128->128 @4", n, 128, (4, 4), 128, 1)
        conv("P-Net conv1 3->10 3x3 @217x385", 1, 3, (217, 385), 10, 3)
        conv("P-Net conv3 16->32 3x3 @106x190", 1, 16, (106, 190), 32, 3)
        conv("P-Net heads 32->6 1x1 @104x188", 1, 32, (104, 188), 6, 1)
        conv("R-Net conv2 28->48 3x3 @11, 64 crops", n, 28, (11, 11), 48, 3)
        conv("O-Net conv2 32->64 3x3 @23, 16 crops", 16, 32, (23, 23), 64, 3)
        // YuNet at 1920x1088: its pointwise and depthwise kernels (C, the fastest path
        // this CPU has) beside the portable C path, which gives the same bits.
        func yunetPointwise(_ name: String, _ cin: Int, _ cout: Int, _ hw: (Int, Int)) {
            let op = PointwiseConv(weight: random([cout, cin]), bias: random([cout]).data, relu: false)
            let x = random([1, cin, hw.0, hw.1])
            rows.append(measure(name, cin * cout * hw.0 * hw.1, minimumSeconds,
                                fast: { _ = op(x) }, reference: withReference ? { _ = op(x, path: .portable) } : nil))
        }
        func yunetDepthwise(_ name: String, _ c: Int, _ hw: (Int, Int)) {
            let op = DepthwiseConv2D(weight: random([c, 1, 3, 3]), bias: random([c]).data, padding: .symmetric(1), activation: .relu)
            let x = random([1, c, hw.0, hw.1])
            rows.append(measure(name, c * 9 * hw.0 * hw.1, minimumSeconds,
                                fast: { _ = op(x) }, reference: withReference ? { _ = op(x, path: .portable) } : nil))
        }
        // A whole unit fused (`SeparableKernel`) beside its two convolutions run one after the other.
        func yunetUnit(_ name: String, _ cin: Int, _ cout: Int, _ hw: (Int, Int)) {
            let pw = PointwiseConv(weight: random([cout, cin]), bias: random([cout]).data)
            let dw = DepthwiseConv2D(weight: random([cout, 1, 3, 3]), bias: random([cout]).data, padding: .symmetric(1), activation: .relu)
            let fused = SeparableKernel(pointwise: pw, depthwise: dw)
            let x = random([1, cin, hw.0, hw.1])
            rows.append(measure(name, (cin + 9) * cout * hw.0 * hw.1, minimumSeconds,
                                fast: { _ = fused(x) }, reference: withReference ? { _ = dw(pw(x)) } : nil))
        }
        yunetUnit("YuNet unit 16->16 @72x960 (ref: unfused)", 16, 16, (72, 960))
        yunetUnit("YuNet unit 32->64 @40x480 (ref: unfused)", 32, 64, (40, 480))
        yunetUnit("YuNet unit 64->64 @136x240 (ref: unfused)", 64, 64, (136, 240))
        yunetPointwise("YuNet stem 27->16 (unfolded) @72x960", 27, 16, (72, 960))
        yunetPointwise("YuNet pointwise 16->16 @72x960", 16, 16, (72, 960))
        yunetDepthwise("YuNet depthwise 16ch @72x960", 16, (72, 960))
        yunetPointwise("YuNet pointwise 32->64 @40x480", 32, 64, (40, 480))
        yunetDepthwise("YuNet depthwise 64ch @40x480", 64, (40, 480))
        yunetPointwise("YuNet pointwise 64->64 @136x240", 64, 64, (136, 240))
        yunetDepthwise("YuNet depthwise 64ch @136x240", 64, (136, 240))
        let pool = MaxPool2D(kernel: (3, 3), stride: (2, 2), padding: .same(height: 60, width: 60, kernel: (3, 3), stride: (2, 2)))
        let px = random([n, 16, 60, 60])
        rows.append(measure("max-pool 3x3/2 16ch @60", n * 16 * 30 * 30 * 9, minimumSeconds,
                            fast: { _ = pool(px) }, reference: withReference ? { _ = pool.reference(px) } : nil))
        return rows
    }

    static func measure(_ name: String, _ macs: Int, _ minimum: Double, fast: () -> Void, reference: (() -> Void)?) -> Row {
        func time(_ body: () -> Void, atLeast: Double) -> Double {
            body()  // warm up
            var runs = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                body()
                runs += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < atLeast
            return elapsed / Double(runs)
        }
        return Row(name: name, multiplyAdds: macs, fastSeconds: time(fast, atLeast: minimum),
                   referenceSeconds: reference.map { time($0, atLeast: 0) })
    }
}
