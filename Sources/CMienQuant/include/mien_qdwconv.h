// Quantized depthwise convolution (uint8 x int8 -> int32, one filter per
// channel) for Mien's int8 depthwise-separable classifiers.
//
// Activations are NHWC uint8 with a zero point: a byte q stands for
// (q - in_zero) * scale. Taps that fall outside the image stand for a real
// zero (they add nothing). Each channel's int32 sum
// acc = sum over taps of (q - in_zero) * w becomes float32 once,
// y = fma(float(acc), multiplier[c], offset[c]), and is written as the byte
// clamp(round half to even(clamp(y, -256, 256)) + out_zero, 0, 255):
// out_zero 128 holds signed values, out_zero 0 clamps at zero (a ReLU).
// Channels past `channels` up to the output stride are written as 0.
//
// Four paths compute the same bits: AVX-512 VNNI (64 channels at once, four
// taps a vpdpbusd), AVX-512 (16 channels a vector, two taps a vpmaddwd),
// portable C over the same tap-major weights, and a plain reference over the
// weights [channel][kernel][kernel]. The integer sums are exact and every
// path rounds once, in the same fma.
#ifndef MIEN_QDWCONV_H
#define MIEN_QDWCONV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Which code computes a depthwise convolution.
typedef enum {
    MIEN_QDWCONV_AUTO = 0,      ///< VNNI where the CPU has it, else AVX-512, else portable
    MIEN_QDWCONV_PORTABLE = 1,  ///< plain C over the tap-major weights (any CPU)
    MIEN_QDWCONV_AVX512 = 2,    ///< AVX-512 F and BW; only where mien_qdwconv_has_avx512()
    MIEN_QDWCONV_VNNI = 3,      ///< AVX-512 F, BW and VNNI; only where mien_qdwconv_has_vnni()
} mien_qdwconv_path;

/// A depthwise convolution's shape, zero points and weights.
typedef struct {
    int channels;          ///< real channels
    int padded_channels;   ///< channels rounded up to a whole 16
    int kernel, stride, pad;
    int in_zero, out_zero;
    const int32_t *taps;      ///< [kernel * kernel][padded_channels] int8 weights widened, zero where padded
    const int32_t *paired_taps; ///< [mien_qdwconv_pair_count(kernel)][padded_channels]: taps 2p (low 16 bits)
                                ///< and 2p + 1 (high 16 bits, 0 past the last tap), the AVX-512 path's form
    const int32_t *vnni;        ///< mien_qdwconv_vnni_words(...) words from mien_qdwconv_pack_vnni: the VNNI path's form
    const float *multiplier;  ///< [padded_channels], zero where padded
    const float *offset;      ///< [padded_channels], zero where padded
} mien_qdwconv;

/// Whether this CPU runs the AVX-512 path (AVX-512 F and BW).
int mien_qdwconv_has_avx512(void);

/// How many pairs of taps a kernel x kernel filter makes: (kernel * kernel + 1) / 2.
int mien_qdwconv_pair_count(int kernel);

/// Widens weights [channels][kernel][kernel] (int8) into `taps`
/// ([kernel * kernel][padded_channels] int32, zero where padded) and pairs
/// them into `paired_taps` ([mien_qdwconv_pair_count(kernel)][padded_channels]),
/// once, when the convolution is made.
void mien_qdwconv_pack(const int8_t *weights, int channels, int padded_channels, int kernel, int32_t *taps,
                       int32_t *paired_taps);

/// Whether this CPU runs the VNNI path (AVX-512 F, BW and VNNI).
int mien_qdwconv_has_vnni(void);

/// 32-bit words of the VNNI path's packed form: for each block of 64
/// channels, (kernel * kernel + 3) / 4 groups of 64 words (four taps' int8
/// weights in a word), then 64 int32 zero-point corrections
/// (in_zero * the channel's sum of weights), 64 float multipliers and 64
/// float offsets, all in the order the kernel's byte interleave puts the
/// channels in.
size_t mien_qdwconv_vnni_words(int padded_channels, int kernel);

/// Packs weights [channels][kernel][kernel] (int8) with their per-channel
/// multiplier and offset ([channels]) and the input zero point into `words`
/// (mien_qdwconv_vnni_words(padded_channels, kernel) of them).
void mien_qdwconv_pack_vnni(const int8_t *weights, const float *multiplier, const float *offset, int channels,
                            int padded_channels, int kernel, int in_zero, int32_t *words);

/// Output height or width for an input of `size`.
int mien_qdwconv_out_size(const mien_qdwconv *conv, int size);

/// Bytes of scratch `mien_qdwconv_run` needs for one image of h x w with `in_stride` bytes a pixel.
size_t mien_qdwconv_scratch_size(const mien_qdwconv *conv, int height, int width, int in_stride);

/// Runs the convolution on `batch` images [h][w][in_stride] (uint8) into
/// [batch][oh][ow][out_stride] (uint8). `in_stride` and `out_stride` must be
/// at least padded_channels.
void mien_qdwconv_run(const mien_qdwconv *conv, const uint8_t *input, int batch, int height, int width, int in_stride,
                      uint8_t *output, int out_stride, mien_qdwconv_path path, uint8_t *scratch);

/// The plain reference: the same arithmetic over weights [channels][kernel][kernel],
/// skipping the taps outside the image. Writes channels .. out_stride - 1 as 0.
void mien_qdwconv_reference(const int8_t *weights, const float *multiplier, const float *offset, int channels,
                            int kernel, int stride, int pad, int in_zero, int out_zero,
                            const uint8_t *input, int batch, int height, int width, int in_stride,
                            uint8_t *output, int out_stride);

#ifdef __cplusplus
}
#endif
#endif
