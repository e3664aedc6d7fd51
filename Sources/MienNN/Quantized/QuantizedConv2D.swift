import CMienQuant

/// A convolution in integers (uint8 activations x int8 weights -> int32), for
/// post-training static quantization: each output channel's sum becomes
/// `fma(Float(acc), multiplier[c], offset[c])` in float32, and is either kept
/// (`floatOutput`) or rounded half to even and clamped to 0..255 (which is
/// also the ReLU) as the next layer's uint8 input.
///
/// The work is done by `CMienQuant`: an AVX-512 VNNI kernel where the CPU has
/// it, else an AVX2 one, else portable C over the same packed weights; all give
/// exactly the bits of `reference` (plain loops over the unpacked weights).
public struct QuantizedConv2D: @unchecked Sendable {
    /// Which code runs the convolution (`auto`: the fastest this CPU has).
    public enum Path: Sendable, CaseIterable {
        case auto, portable, vnni, avx2

        var c: mien_qconv_path {
            switch self {
            case .auto: MIEN_QCONV_AUTO
            case .portable: MIEN_QCONV_PORTABLE
            case .vnni: MIEN_QCONV_VNNI
            case .avx2: MIEN_QCONV_AVX2
            }
        }
    }

    /// Whether this CPU has AVX-512 VNNI (the fast path).
    public static let hasVNNI: Bool = mien_qconv_has_vnni() != 0
    /// Whether this CPU has AVX2 and FMA (the path for CPUs without VNNI).
    public static let hasAVX2: Bool = mien_qconv_has_avx2() != 0

    /// The paths this CPU can run.
    public static var availablePaths: [Path] { [.auto, .portable] + (hasAVX2 ? [.avx2] : []) + (hasVNNI ? [.vnni] : []) }

    /// The path `auto` takes here, in words.
    public static var autoPathName: String { hasVNNI ? "AVX-512 VNNI" : hasAVX2 ? "AVX2" : "portable C" }

    /// int8 weights `[Cout, Cin, kh, kw]`.
    public let weights: [Int8]
    public let outChannels: Int
    public let inChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// Per output channel, padded with zeros to a whole block of 16.
    public let multiplier: [Float]
    public let offset: [Float]
    private let packed: [Int8]

    /// Creates the convolution from int8 weights `[Cout, Cin, kernel, kernel]` and
    /// each output channel's multiplier and offset.
    public init(weights: [Int8], outChannels: Int, inChannels: Int, kernel: Int, stride: Int, padding: Int,
                multiplier: [Float], offset: [Float]) {
        precondition(weights.count == outChannels * inChannels * kernel * kernel, "int8 weights do not fit the shape")
        precondition(multiplier.count == outChannels && offset.count == outChannels, "one multiplier and offset per output channel")
        (self.weights, self.outChannels, self.inChannels) = (weights, outChannels, inChannels)
        (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
        let padded = Self.blocks(outChannels) * 16
        self.multiplier = multiplier + [Float](repeating: 0, count: padded - outChannels)
        self.offset = offset + [Float](repeating: 0, count: padded - outChannels)
        var packed = [Int8](repeating: 0, count: mien_qconv_packed_size(Int32(outChannels), Int32(inChannels), Int32(kernel), Int32(kernel)))
        weights.withUnsafeBufferPointer { w in
            packed.withUnsafeMutableBufferPointer {
                mien_qconv_pack(w.baseAddress!, Int32(outChannels), Int32(inChannels), Int32(kernel), Int32(kernel), $0.baseAddress!)
            }
        }
        self.packed = packed
    }

    /// Blocks of 16 output channels.
    static func blocks(_ channels: Int) -> Int { (channels + 15) / 16 }

    /// Bytes (or floats) per output pixel: whole blocks of 16 channels.
    public var outStride: Int { Self.blocks(outChannels) * 16 }

    /// Output height or width for an input of `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    /// Multiply-adds for one image of `h` x `w`.
    public func multiplyAdds(height h: Int, width w: Int) -> Int {
        outputSize(h) * outputSize(w) * outChannels * inChannels * kernel * kernel
    }

    /// The uint8 output (rounded, clamped to 0..255).
    public func callAsFunction(_ x: QuantizedBatch, path: Path = .auto) -> QuantizedBatch {
        QuantizedBatch(count: x.count, height: outputSize(x.height), width: outputSize(x.width), channels: outChannels,
                       stride: outStride) { run(x, into: $0, float: false, path: path) }
    }

    /// The float32 output, NHWC with `outStride` floats a pixel.
    public func floatOutput(_ x: QuantizedBatch, path: Path = .auto) -> [Float] {
        let size = x.count * outputSize(x.height) * outputSize(x.width) * outStride
        return [Float](unsafeUninitializedCapacity: size) { buffer, initialized in   // the kernel writes every value
            if size > 0 { run(x, into: buffer.baseAddress!, float: true, path: path) }
            initialized = size
        }
    }

    private func run(_ x: QuantizedBatch, into output: UnsafeMutableRawPointer, float: Bool, path: Path) {
        precondition(x.channels == inChannels, "int8 convolution expects \(inChannels) channels, got \(x.channels)")
        precondition(x.stride >= (inChannels + 3) / 4 * 4, "a pixel's stride must hold whole groups of 4 channels")
        precondition(path != .vnni || Self.hasVNNI, "this CPU has no AVX-512 VNNI")
        precondition(path != .avx2 || Self.hasAVX2, "this CPU has no AVX2")
        guard x.count > 0 else { return }
        packed.withUnsafeBufferPointer { pk in
            multiplier.withUnsafeBufferPointer { m in
                offset.withUnsafeBufferPointer { o in
                    var conv = mien_qconv(in_channels: Int32(inChannels), out_channels: Int32(outChannels),
                                          kernel_h: Int32(kernel), kernel_w: Int32(kernel), stride: Int32(stride),
                                          pad: Int32(padding), in_groups: Int32((inChannels + 3) / 4),
                                          out_blocks: Int32(Self.blocks(outChannels)), packed: pk.baseAddress!,
                                          multiplier: m.baseAddress!, offset: o.baseAddress!)
                    let scratch = mien_qconv_scratch_size(&conv, Int32(x.height), Int32(x.width), Int32(x.stride))
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratch) { buffer in
                        x.bytes.withUnsafeBufferPointer { input in
                            mien_qconv_run(&conv, input.baseAddress!, Int32(x.count), Int32(x.height), Int32(x.width),
                                           Int32(x.stride), output, Int32(outStride), float ? 1 : 0, path.c, buffer.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// The uint8 output by `reference`, as a batch (what `callAsFunction` must equal).
    public func referenceBatch(_ x: QuantizedBatch) -> QuantizedBatch {
        var y = QuantizedBatch(count: x.count, height: outputSize(x.height), width: outputSize(x.width),
                               channels: outChannels, stride: outStride)
        y.bytes = reference(x, float: false).map { UInt8($0) }
        return y
    }

    /// The same arithmetic by plain loops over the unpacked weights, for tests:
    /// uint8 output when `float` is false, else float32; `outStride` values a pixel.
    public func reference(_ x: QuantizedBatch, float: Bool) -> [Float] {
        let (oh, ow) = (outputSize(x.height), outputSize(x.width))
        var bytes = [UInt8](repeating: 0, count: float ? 0 : x.count * oh * ow * outStride)
        var floats = [Float](repeating: 0, count: float ? x.count * oh * ow * outStride : 0)
        weights.withUnsafeBufferPointer { w in
            x.bytes.withUnsafeBufferPointer { input in
                func call(_ out: UnsafeMutableRawPointer) {
                    mien_qconv_reference(w.baseAddress!, multiplier, offset, Int32(outChannels), Int32(inChannels),
                                         Int32(kernel), Int32(kernel), Int32(stride), Int32(padding), input.baseAddress!,
                                         Int32(x.count), Int32(x.height), Int32(x.width), Int32(x.stride), out,
                                         Int32(outStride), float ? 1 : 0)
                }
                if float { floats.withUnsafeMutableBytes { call($0.baseAddress!) } } else { bytes.withUnsafeMutableBytes { call($0.baseAddress!) } }
            }
        }
        return float ? floats : bytes.map(Float.init)
    }
}
