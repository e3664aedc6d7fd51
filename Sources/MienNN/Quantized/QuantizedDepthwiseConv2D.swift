import CMienQuant

/// A depthwise convolution in integers (one int8 filter per channel over
/// uint8 activations with a zero point, int32 sums), for the int8 form of
/// depthwise-separable networks: each channel's sum of `(q - inputZero) * w`
/// becomes `fma(Float(acc), multiplier[c], offset[c])` in float32, then the
/// byte `clamp(round half to even(clamp(y, -256, 256)) + outputZero, 0, 255)`.
/// Taps outside the image stand for a real zero.
///
/// The work is done by `CMienQuant`: an AVX-512 VNNI kernel (four taps a
/// vpdpbusd) or an AVX-512 one (two taps a vpmaddwd) where the CPU has them,
/// else portable C; all give exactly the bits of `reference` (plain loops).
public struct QuantizedDepthwiseConv2D: Sendable {
    /// Which code runs the convolution (`auto`: the fastest this CPU has).
    public enum Path: Sendable, CaseIterable {
        case auto, portable, avx512, vnni

        var c: mien_qdwconv_path {
            switch self {
            case .auto: MIEN_QDWCONV_AUTO
            case .portable: MIEN_QDWCONV_PORTABLE
            case .avx512: MIEN_QDWCONV_AVX512
            case .vnni: MIEN_QDWCONV_VNNI
            }
        }
    }

    /// Whether this CPU has AVX-512 F and BW (the fast path).
    public static let hasAVX512: Bool = mien_qdwconv_has_avx512() != 0

    /// Whether this CPU has AVX-512 F, BW and VNNI (the fastest path).
    public static let hasVNNI: Bool = mien_qdwconv_has_vnni() != 0

    /// The paths this CPU can run.
    public static var availablePaths: [Path] {
        [.auto, .portable] + (hasAVX512 ? [.avx512] : []) + (hasVNNI ? [.vnni] : [])
    }

    /// int8 weights `[C, kernel, kernel]`.
    public let weights: [Int8]
    public let channels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// The zero points of the input and of the output bytes.
    public let inputZero: Int
    public let outputZero: Int
    /// Per channel, padded with zeros to a whole block of 16.
    public let multiplier: [Float]
    public let offset: [Float]
    /// The weights widened to int32, `[kernel * kernel][paddedChannels]`.
    private let taps: [Int32]
    /// The taps in pairs, `[pairCount][paddedChannels]`: the AVX-512 path's form.
    private let pairedTaps: [Int32]
    /// Weights in fours with the zero point's share, multipliers and offsets,
    /// in the VNNI kernel's channel order (`mien_qdwconv_pack_vnni`).
    private let vnniWords: [Int32]

    /// Creates the convolution from int8 weights `[C, kernel, kernel]`, each
    /// channel's multiplier and offset, and the zero points.
    public init(weights: [Int8], channels: Int, kernel: Int, stride: Int, padding: Int, inputZero: Int, outputZero: Int,
                multiplier: [Float], offset: [Float]) {
        precondition(weights.count == channels * kernel * kernel, "int8 depthwise weights do not fit the shape")
        precondition(multiplier.count == channels && offset.count == channels, "one multiplier and offset per channel")
        precondition((0...255).contains(inputZero) && (0...255).contains(outputZero), "zero points are bytes")
        (self.weights, self.channels, self.kernel, self.stride, self.padding) = (weights, channels, kernel, stride, padding)
        (self.inputZero, self.outputZero) = (inputZero, outputZero)
        let padded = QuantizedBatch.paddedStride(channels: channels)
        self.multiplier = multiplier + [Float](repeating: 0, count: padded - channels)
        self.offset = offset + [Float](repeating: 0, count: padded - channels)
        var taps = [Int32](repeating: 0, count: kernel * kernel * padded)
        var paired = [Int32](repeating: 0, count: Int(mien_qdwconv_pair_count(Int32(kernel))) * padded)
        weights.withUnsafeBufferPointer { w in
            taps.withUnsafeMutableBufferPointer { t in
                paired.withUnsafeMutableBufferPointer {
                    mien_qdwconv_pack(w.baseAddress!, Int32(channels), Int32(padded), Int32(kernel), t.baseAddress!,
                                      $0.baseAddress!)
                }
            }
        }
        var words = [Int32](repeating: 0, count: mien_qdwconv_vnni_words(Int32(padded), Int32(kernel)))
        weights.withUnsafeBufferPointer { w in
            words.withUnsafeMutableBufferPointer {
                mien_qdwconv_pack_vnni(w.baseAddress!, multiplier, offset, Int32(channels), Int32(padded), Int32(kernel),
                                       Int32(inputZero), $0.baseAddress!)
            }
        }
        (self.taps, self.pairedTaps, self.vnniWords) = (taps, paired, words)
    }

    /// `conv` (a square kernel, batch norm folded, bias optional, no activation)
    /// with symmetric per-channel int8 weights (`WeightQuantization`), for input
    /// bytes of `inputScale` and `inputZero`, output bytes of `outputScale` and
    /// `outputZero`: multiplier `inputScale * s_w[c] / outputScale`, offset
    /// `bias[c] / outputScale`, both in float32.
    public static func quantizing(_ conv: DepthwiseConv2D, inputScale: Float, inputZero: Int,
                                  outputScale: Float, outputZero: Int) -> QuantizedDepthwiseConv2D {
        precondition(conv.kernel.0 == conv.kernel.1 && conv.stride.0 == conv.stride.1, "square kernels and strides only")
        precondition(conv.padding == .symmetric(conv.padding.top), "the same padding on every side")
        precondition(conv.activation == nil, "the int8 depthwise convolution has no activation")
        let (values, scales) = WeightQuantization.perChannel(conv.weight)
        let bias = conv.bias ?? [Float](repeating: 0, count: conv.channels)
        return QuantizedDepthwiseConv2D(weights: values, channels: conv.channels, kernel: conv.kernel.0, stride: conv.stride.0,
                                        padding: conv.padding.top, inputZero: inputZero, outputZero: outputZero,
                                        multiplier: scales.map { inputScale * $0 / outputScale }, offset: bias.map { $0 / outputScale })
    }

    /// Bytes a pixel of the output takes: the channels rounded up to a whole 16.
    public var outStride: Int { QuantizedBatch.paddedStride(channels: channels) }

    /// Output height or width for an input of `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    /// Multiply-adds for one image of `h` x `w`.
    public func multiplyAdds(height h: Int, width w: Int) -> Int { outputSize(h) * outputSize(w) * channels * kernel * kernel }

    /// The output bytes (zero point `outputZero`).
    public func callAsFunction(_ x: QuantizedBatch, path: Path = .auto) -> QuantizedBatch {
        precondition(x.channels == channels, "int8 depthwise convolution expects \(channels) channels, got \(x.channels)")
        precondition(x.stride >= outStride, "a pixel's stride must hold whole blocks of 16 channels")
        precondition(path != .avx512 || Self.hasAVX512, "this CPU has no AVX-512")
        precondition(path != .vnni || Self.hasVNNI, "this CPU has no AVX-512 VNNI")
        // The kernel writes every byte of every pixel, padding included.
        return QuantizedBatch(count: x.count, height: outputSize(x.height), width: outputSize(x.width), channels: channels,
                              stride: outStride) { out in run(x, into: out, path: path) }
    }

    private func run(_ x: QuantizedBatch, into out: UnsafeMutablePointer<UInt8>, path: Path) {
        taps.withUnsafeBufferPointer { t in
            pairedTaps.withUnsafeBufferPointer { p in
                vnniWords.withUnsafeBufferPointer { v in
                    multiplier.withUnsafeBufferPointer { m in
                        offset.withUnsafeBufferPointer { o in
                            var conv = mien_qdwconv(channels: Int32(channels), padded_channels: Int32(outStride),
                                                    kernel: Int32(kernel), stride: Int32(stride), pad: Int32(padding),
                                                    in_zero: Int32(inputZero), out_zero: Int32(outputZero),
                                                    taps: t.baseAddress!, paired_taps: p.baseAddress!,
                                                    vnni: v.baseAddress!, multiplier: m.baseAddress!,
                                                    offset: o.baseAddress!)
                            run(&conv, x, into: out, path: path)
                        }
                    }
                }
            }
        }
    }

    private func run(_ conv: inout mien_qdwconv, _ x: QuantizedBatch, into out: UnsafeMutablePointer<UInt8>, path: Path) {
        let scratch = mien_qdwconv_scratch_size(&conv, Int32(x.height), Int32(x.width), Int32(x.stride))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratch) { buffer in
            x.bytes.withUnsafeBufferPointer { input in
                mien_qdwconv_run(&conv, input.baseAddress!, Int32(x.count), Int32(x.height), Int32(x.width),
                                 Int32(x.stride), out, Int32(outStride), path.c, buffer.baseAddress!)
            }
        }
    }

    /// The same arithmetic by plain loops over the weights `[C, kernel, kernel]`, for tests.
    public func reference(_ x: QuantizedBatch) -> QuantizedBatch {
        precondition(x.channels == channels, "int8 depthwise convolution expects \(channels) channels, got \(x.channels)")
        var y = QuantizedBatch(count: x.count, height: outputSize(x.height), width: outputSize(x.width),
                               channels: channels, stride: outStride)
        weights.withUnsafeBufferPointer { w in
            x.bytes.withUnsafeBufferPointer { input in
                y.bytes.withUnsafeMutableBufferPointer { out in
                    mien_qdwconv_reference(w.baseAddress!, multiplier, offset, Int32(channels), Int32(kernel), Int32(stride),
                                           Int32(padding), Int32(inputZero), Int32(outputZero), input.baseAddress!,
                                           Int32(x.count), Int32(x.height), Int32(x.width), Int32(x.stride),
                                           out.baseAddress!, Int32(outStride))
                }
            }
        }
        return y
    }
}
