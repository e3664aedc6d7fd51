// Quantized (uint8 x int8 -> int32) convolution for Mien's int8 classifier.
//
// Activations are NHWC uint8 (zero point 0) with `in_stride` bytes per pixel;
// weights are int8, symmetric per output channel. Each output channel's int32
// sum is turned into float32 once, fma(float(acc), multiplier[c], offset[c]),
// then either kept as float32 or rounded half to even and clamped to 0..255.
//
// Four paths compute the same bits: AVX-512 VNNI (vpdpbusd), AVX2 (bytes
// widened to 16 bits, vpmaddwd), portable C over the same packed weights, and
// a plain reference over the unpacked weights. `mien_qconv_run` picks the
// fastest the CPU has.
#ifndef MIEN_QCONV_H
#define MIEN_QCONV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Which code computes a convolution.
typedef enum {
    MIEN_QCONV_AUTO = 0,       ///< VNNI, else AVX2, else portable: the fastest the CPU has
    MIEN_QCONV_PORTABLE = 1,   ///< plain C over the packed weights (any CPU)
    MIEN_QCONV_VNNI = 2,       ///< AVX-512 VNNI; only where mien_qconv_has_vnni()
    MIEN_QCONV_AVX2 = 3,       ///< AVX2 (vpmaddwd on widened bytes); only where mien_qconv_has_avx2()
} mien_qconv_path;

/// A convolution's shape and its packed weights.
typedef struct {
    int in_channels;       ///< real input channels
    int out_channels;      ///< real output channels
    int kernel_h, kernel_w, stride, pad;
    int in_groups;         ///< ceil(in_channels / 4)
    int out_blocks;        ///< ceil(out_channels / 16)
    const int8_t *packed;  ///< [kh][kw][in_groups][out_blocks][16][4], zero where padded
    const float *multiplier;  ///< [out_blocks * 16], zero where padded
    const float *offset;      ///< [out_blocks * 16], zero where padded
} mien_qconv;

/// Bytes of packed weights for a convolution.
size_t mien_qconv_packed_size(int out_channels, int in_channels, int kernel_h, int kernel_w);

/// Packs weights [out][in][kh][kw] (int8) into `packed` (mien_qconv_packed_size bytes).
void mien_qconv_pack(const int8_t *weights, int out_channels, int in_channels, int kernel_h, int kernel_w,
                     int8_t *packed);

/// Whether this CPU runs the VNNI path (AVX-512 F, BW, VL and VNNI).
int mien_qconv_has_vnni(void);

/// Whether this CPU runs the AVX2 path (AVX2 and FMA).
int mien_qconv_has_avx2(void);

/// Bytes of scratch `mien_qconv_run` needs for one image of h x w with `in_stride` bytes a pixel.
size_t mien_qconv_scratch_size(const mien_qconv *conv, int height, int width, int in_stride);

/// Output height or width.
int mien_qconv_out_size(const mien_qconv *conv, int size, int kernel);

/// Runs the convolution on `batch` images [h][w][in_stride] (uint8). The output
/// is [batch][oh][ow][out_stride]: uint8 when `float_output` is 0, else float32;
/// channels past out_channels up to out_stride are written as the padded
/// weights give them (0 for uint8 with a zero offset). `out_stride` must be at
/// least out_blocks * 16 and `in_stride` at least in_groups * 4.
void mien_qconv_run(const mien_qconv *conv, const uint8_t *input, int batch, int height, int width, int in_stride,
                    void *output, int out_stride, int float_output, mien_qconv_path path, uint8_t *scratch);

/// The plain reference: the same arithmetic over unpacked weights [out][in][kh][kw],
/// with zero padding read in place. Writes out_channels channels per pixel.
void mien_qconv_reference(const int8_t *weights, const float *multiplier, const float *offset,
                          int out_channels, int in_channels, int kernel_h, int kernel_w, int stride, int pad,
                          const uint8_t *input, int batch, int height, int width, int in_stride,
                          void *output, int out_stride, int float_output);

#ifdef __cplusplus
}
#endif
#endif
