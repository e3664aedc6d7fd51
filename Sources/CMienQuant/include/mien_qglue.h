// The float32 steps between expression-net's int8 convolutions, in C so that
// they run at the speed of the convolutions around them: quantizing to uint8,
// channel means, and a residual block's end (squeeze-excitation gate,
// shortcut add, ReLU, quantize). Each computes the same bits as the plain
// Swift loops in QuantizedBasicBlock/QuantizedBatch (tests compare them):
// the same operations in the same order, no fused multiply-add (compiled with
// -ffp-contract=off), and rounding half to even.
#ifndef MIEN_QGLUE_H
#define MIEN_QGLUE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// clamp(round half to even(x / scale), 0, 255) of NCHW floats [n][c][plane]
/// into NHWC bytes [n][plane][stride] (channels past c untouched).
void mien_quantize_nchw(const float *x, int n, int c, int plane, float scale, uint8_t *out, int stride);

/// clamp(round half to even(clamp(x / scale, -256, 256)) + zero, 0, 255) of
/// NCHW floats [n][c][plane] into NHWC bytes [n][plane][stride] (channels past
/// c untouched): uint8 with zero point `zero`, for signed activations.
void mien_quantize_nchw_zero(const float *x, int n, int c, int plane, float scale, int zero, uint8_t *out, int stride);

/// NHWC floats [n][plane][stride] (the first c of each pixel) into NCHW
/// [n][c][plane], each value v as max(v, 0) when relu is not 0.
void mien_nhwc_to_nchw(const float *values, int n, int plane, int c, int stride, int relu, float *out);

/// Each image's channel means [n][c] of NHWC floats [n][plane][stride],
/// summed in pixel order, then divided by plane.
void mien_channel_mean(const float *values, int n, int plane, int c, int stride, float *out);

/// A residual block's end, in place over NHWC `body` [n][plane][stride]:
/// y = max(body * gate + skip, 0), where gate is gates[b][ch] (or 1 when
/// gates is NULL) and skip is skip[...] (same layout as body) or, when skip is
/// NULL, x[b][p][ch] * x_scale (x: uint8 [n][plane][x_stride]). When `out` is
/// not NULL, y is quantized into it (uint8 [n][plane][stride], scale
/// out_scale) instead of written back.
void mien_block_finish(float *body, const float *skip, const uint8_t *x, int x_stride, float x_scale,
                       const float *gates, int n, int plane, int c, int stride, uint8_t *out, float out_scale);

#ifdef __cplusplus
}
#endif
#endif
