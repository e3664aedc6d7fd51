import MienNN

/// One of mini-Xception's four residual modules, with batch norms folded and ReLU fused:
///
/// ```
/// main: depthwise 3x3 same -> pointwise 1x1 (+BN, ReLU) -> depthwise 3x3 same -> pointwise 1x1 (+BN)
///       -> max-pool 3x3 stride 2 same
/// skip: conv 1x1 stride 2 same (+BN), from the module input
/// out = main + skip                                   [N, C, H, W] -> [N, 2C', ceil(H/2), ceil(W/2)]
/// ```
struct ResidualModule: Sendable {
    /// First separable convolution: depthwise part (no bias) and pointwise part (BN folded, ReLU).
    var depthwise1: Depthwise3x3
    var pointwise1: Conv2D
    /// Second separable convolution (BN folded, no activation).
    var depthwise2: Depthwise3x3
    var pointwise2: Conv2D
    /// The 1x1 stride-2 shortcut (BN folded).
    var skip: Conv2D

    /// The module on `x` [N, Cin, H, W].
    func callAsFunction(_ x: Tensor, trace: ((String, Tensor) -> Void)? = nil) -> Tensor {
        var main = depthwise1(x)
        trace?("depthwise1", main)
        main = pointwise1(main)
        trace?("pointwise1", main)
        main = depthwise2(main)
        trace?("depthwise2", main)
        main = pointwise2(main)
        trace?("pointwise2", main)
        let shortcut = skip(x)
        trace?("skip", shortcut)
        let sum = PoolAdd.apply(main, shortcut)
        trace?("pool+add", sum)
        return sum
    }

    /// Multiply-adds per image for an input of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        depthwise1.multiplyAdds(height: h, width: w) + pointwise1.multiplyAdds(height: h, width: w)
            + depthwise2.multiplyAdds(height: h, width: w) + pointwise2.multiplyAdds(height: h, width: w)
            + skip.multiplyAdds(height: h, width: w)
    }
}
