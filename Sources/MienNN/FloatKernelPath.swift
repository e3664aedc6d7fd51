import CMienFloat

/// Which code runs the float32 pointwise and depthwise 3x3 kernels
/// (`CMienFloat`): every path gives the same bits, since each output adds its
/// products in one order with one rounding each (fused multiply-add).
public enum FloatKernelPath: Sendable, CaseIterable, CustomStringConvertible {
    /// The fastest this CPU has: AVX-512, else AVX2, else portable.
    case auto
    /// Plain C with `fmaf`: any CPU; the reference the others are compared with.
    case portable
    /// AVX-512 F (falls back to portable on a CPU without it).
    case avx512
    /// AVX2 and FMA (falls back to portable on a CPU without them).
    case avx2

    /// Whether this CPU runs the path itself rather than falling back.
    public var isAvailable: Bool {
        switch self {
        case .auto, .portable: true
        case .avx512: mien_fconv_has_avx512() != 0
        case .avx2: mien_fconv_has_avx2() != 0
        }
    }

    /// The path `auto` takes here.
    public static var best: FloatKernelPath {
        switch mien_fconv_best_path() {
        case MIEN_FCONV_AVX512: .avx512
        case MIEN_FCONV_AVX2: .avx2
        default: .portable
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .portable: "portable"
        case .avx512: "AVX-512"
        case .avx2: "AVX2"
        }
    }

    var c: mien_fconv_path {
        switch self {
        case .auto: MIEN_FCONV_AUTO
        case .portable: MIEN_FCONV_PORTABLE
        case .avx512: MIEN_FCONV_AVX512
        case .avx2: MIEN_FCONV_AVX2
        }
    }
}
