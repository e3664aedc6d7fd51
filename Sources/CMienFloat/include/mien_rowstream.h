// YuNet's high-resolution layers streamed row by row: from 8-bit pixels,
// through a 3x3 stride-2 stem convolution, separable units and 2x2 max pools,
// to a small map, with every intermediate map kept as a few rows in cache.
//
// At 1080p the maps of these layers are 4 to 33 MB each; computed whole (or in
// bands) each is written to memory and read back, and the layers wait on
// memory rather than arithmetic. Streamed, only the pixels and the final map
// touch memory. The arithmetic is the kernels' of mien_fconv.h in the same
// order, so the result has the same bits as the layers run one after another.
#ifndef MIEN_ROWSTREAM_H
#define MIEN_ROWSTREAM_H

#include <stdint.h>
#include "mien_fconv.h"

#ifdef __cplusplus
extern "C" {
#endif

/// A layer after the stem.
typedef enum {
    MIEN_ROW_SEPARABLE = 1,  ///< pointwise (no ReLU), then depthwise 3x3 "same" (ReLU when `relu`)
    MIEN_ROW_MAXPOOL2 = 2,   ///< 2x2 max pool, stride 2 (even sizes)
} mien_row_layer_kind;

/// One layer after the stem; weights as mien_separable_f32 takes them.
typedef struct {
    mien_row_layer_kind kind;
    int in_channels, out_channels;   ///< equal for a pool
    const float *pw_weight, *pw_bias, *dw_taps, *dw_bias;
    int relu;
} mien_row_layer;

/// Runs the stem and `count` layers over an 8-bit RGB image of width x height
/// (packed RGB, or three planes when `planar`), taken as padded with zeros to
/// padded_width x padded_height (even multiples of every stride on the way).
/// The stem is a 3x3 convolution, stride 2, zero padding 1, with ReLU, from the
/// 3 channels as floats 0...255 to `stem_channels`: weights [stem_channels][3][3][3].
/// `out` receives the last layer's map [channels][rows][columns].
/// Returns 0, or -1 when memory for the rows cannot be had.
int mien_rowstream_f32(const uint8_t *pixels, int planar, int width, int height, int padded_width, int padded_height,
                       const float *stem_weight, const float *stem_bias, int stem_channels,
                       const mien_row_layer *layers, int count, float *out, mien_fconv_path path);

#ifdef __cplusplus
}
#endif
#endif
