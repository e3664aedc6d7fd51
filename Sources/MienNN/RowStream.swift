import CMienFloat

/// A network's high-resolution layers run row by row from 8-bit pixels
/// (`mien_rowstream_f32`): a 3x3 stride-2 stem convolution with ReLU, then
/// separable units and 2x2 max pools, each layer keeping only the few rows the
/// next one needs. At 1080p the maps of these layers are 4 to 33 MB each, and
/// computed whole (or in bands) they were written to memory and read back
/// faster than the arithmetic could use them; streamed, only the pixels and
/// the last map touch memory. The same bits as the layers run one after
/// another on the same kernel path (`RowStreamTests`).
public struct RowStream: Sendable {
    /// A layer after the stem.
    public enum Layer: Sendable {
        /// Pointwise then depthwise 3x3 "same" (`SeparableKernel`'s conditions).
        case separable(SeparableKernel)
        /// 2x2 max pool, stride 2, over `channels` channels.
        case maxPool2(channels: Int)
    }

    /// The stem as its unfolded weights `[Cout, 3 * 3 * 3]` (`PointwiseConv(unfolding:)`), ReLU on.
    public let stem: PointwiseConv
    public let layers: [Layer]

    /// The stem and layers. - Precondition: the stem takes 27 values (3 channels, 3x3) and has ReLU;
    /// each layer takes the channels the one before gives.
    public init(stem: PointwiseConv, layers: [Layer]) {
        precondition(stem.inChannels == 27 && stem.relu, "RowStream: the stem is a 3x3 convolution of 3 channels with ReLU")
        var channels = stem.outChannels
        for layer in layers {
            switch layer {
            case .separable(let unit):
                precondition(unit.pointwise.inChannels == channels, "RowStream: a unit takes \(unit.pointwise.inChannels) channels, gets \(channels)")
                channels = unit.pointwise.outChannels
            case .maxPool2(let c):
                precondition(c == channels, "RowStream: a pool of \(c) channels gets \(channels)")
            }
        }
        self.stem = stem
        self.layers = layers
        outChannels = channels
        halvings = 1 + layers.filter { if case .maxPool2 = $0 { true } else { false } }.count
    }

    /// Channels of the output map.
    public let outChannels: Int
    /// Times the layers halve the size (the stem once, each pool once).
    public let halvings: Int

    /// Runs the layers over an 8-bit RGB image `width` x `height` (packed, or
    /// three planes when `planar`), taken as padded with zeros to `paddedWidth` x
    /// `paddedHeight` (multiples of 2^halvings). Returns `[1, outChannels, paddedHeight >> halvings, paddedWidth >> halvings]`.
    public func callAsFunction(pixels: UnsafeBufferPointer<UInt8>, planar: Bool, width: Int, height: Int,
                               paddedWidth: Int, paddedHeight: Int, path: FloatKernelPath = .auto) -> Tensor {
        let unit = 1 << halvings
        precondition(pixels.count >= width * height * 3 && paddedWidth >= width && paddedHeight >= height
                      && paddedWidth % unit == 0 && paddedHeight % unit == 0, "RowStream: sizes do not fit")
        let oh = paddedHeight / unit, ow = paddedWidth / unit
        return Tensor(shape: [1, outChannels, oh, ow]) { out in
            withLayers { cLayers in
                stem.weight.data.withUnsafeBufferPointer { sw in
                    stem.bias.withUnsafeBufferPointer { sb in
                        let status = mien_rowstream_f32(pixels.baseAddress!, planar ? 1 : 0, Int32(width), Int32(height),
                                                        Int32(paddedWidth), Int32(paddedHeight), sw.baseAddress!, sb.baseAddress!,
                                                        Int32(stem.outChannels), cLayers.baseAddress, Int32(cLayers.count),
                                                        out.baseAddress!, path.c)
                        precondition(status == 0, "RowStream: out of memory for \(paddedWidth)-pixel rows")
                    }
                }
            }
        }
    }

    /// The layers as C structs (their weights are pinned by the units).
    private func withLayers<R>(_ body: (UnsafeBufferPointer<mien_row_layer>) -> R) -> R {
        let cLayers = layers.map { layer in
            switch layer {
            case .separable(let unit):
                mien_row_layer(kind: MIEN_ROW_SEPARABLE, in_channels: Int32(unit.pointwise.inChannels),
                               out_channels: Int32(unit.pointwise.outChannels), pw_weight: unit.pinned.pwWeight.pointer,
                               pw_bias: unit.pinned.pwBias.pointer, dw_taps: unit.pinned.dwTaps.pointer,
                               dw_bias: unit.pinned.dwBias.pointer, relu: unit.depthwise.activation == .relu ? 1 : 0)
            case .maxPool2(let c):
                mien_row_layer(kind: MIEN_ROW_MAXPOOL2, in_channels: Int32(c), out_channels: Int32(c),
                               pw_weight: nil, pw_bias: nil, dw_taps: nil, dw_bias: nil, relu: 0)
            }
        }
        return withExtendedLifetime(layers) { cLayers.withUnsafeBufferPointer(body) }
    }
}
