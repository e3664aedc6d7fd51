// Float32 convolution kernels for YuNet's separable units: the 1x1 (pointwise)
// convolution and the 3x3 depthwise convolution (stride 1, zero padding 1),
// each with bias and an optional ReLU, over NCHW planes.
//
// Every path computes the same bits: each output starts at its bias and adds
// its products one at a time, in a fixed order, with a fused multiply-add
// (fmaf in the portable path, vfmadd in the vector paths). The portable path
// is the reference; the AVX-512 and AVX2 paths are chosen at run time.
#ifndef MIEN_FCONV_H
#define MIEN_FCONV_H

#ifdef __cplusplus
extern "C" {
#endif

/// Which code computes a convolution.
typedef enum {
    MIEN_FCONV_AUTO = 0,      ///< AVX-512, else AVX2, else portable: the fastest the CPU has
    MIEN_FCONV_PORTABLE = 1,  ///< plain C with fmaf (any CPU; the reference)
    MIEN_FCONV_AVX512 = 2,    ///< AVX-512 F; only where mien_fconv_has_avx512()
    MIEN_FCONV_AVX2 = 3,      ///< AVX2 and FMA; only where mien_fconv_has_avx2()
} mien_fconv_path;

/// Whether this CPU runs the AVX-512 path.
int mien_fconv_has_avx512(void);

/// Whether this CPU runs the AVX2 path (AVX2 and FMA).
int mien_fconv_has_avx2(void);

/// The path MIEN_FCONV_AUTO takes on this CPU: the fastest it has, or a slower
/// one named by the environment variable MIEN_FLOAT_KERNELS ("avx2", "portable"),
/// read once, for timing what other machines run.
mien_fconv_path mien_fconv_best_path(void);

/// y[o][p] = bias[o] + sum over i = 0 ..< in_channels of w[o][i] * x[i][p], each
/// product added in order of i with one rounding (fma); negatives stored as 0
/// when `relu`. w is [out_channels][in_channels]; x is [in_channels][positions]
/// and y [out_channels][positions], both with rows `positions` floats apart.
void mien_pointwise_f32(const float *w, const float *bias, int out_channels, int in_channels,
                        const float *x, float *y, long positions, int relu, mien_fconv_path path);

/// For each of `channels` planes of height x width: y = bias[c] + the nine taps
/// taps[c][ky][kx] times x[r + ky - 1][col + kx - 1] (zero outside the plane), added
/// in order ky, kx with one rounding each (fma, zeros included); negatives stored
/// as 0 when `relu`. x and y are [channels][height][width], and must not overlap.
void mien_depthwise3x3_f32(const float *x, int channels, int height, int width, const float *taps,
                           const float *bias, float *y, int relu, mien_fconv_path path);

/// Floats of scratch `mien_separable_f32` needs: three rows of every output channel.
long mien_separable_scratch_floats(int out_channels, int width);

/// A separable unit in one pass: the pointwise convolution (no ReLU) of x
/// [in_channels][height][width], then the depthwise 3x3 convolution of its result
/// (ReLU when `relu`), into y [out_channels][height][width]. The pointwise result
/// is made a row at a time into `scratch` (mien_separable_scratch_floats) and
/// never exists whole, so the intermediate map stays in cache. The same bits as
/// mien_pointwise_f32 followed by mien_depthwise3x3_f32.
void mien_separable_f32(const float *pw_weight, const float *pw_bias, int in_channels, int out_channels,
                        const float *dw_taps, const float *dw_bias, int relu, const float *x, int height, int width,
                        float *y, float *scratch, mien_fconv_path path);

#ifdef __cplusplus
}
#endif
#endif
