// Grayscale JPEG decoding with libjpeg (Debian's libjpeg62-turbo), the decoder
// PyTorch's data pipeline (Pillow) uses: `mien eval` reads FER-2013's JPEGs
// with the same pixels the training code saw. FFmpeg's JPEG decoder has another
// IDCT and differs by one gray level on about 2.5% of those pixels.
#ifndef MIEN_JPEG_H
#define MIEN_JPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What `mien_jpeg_decode_gray` found.
typedef enum {
    MIEN_JPEG_GRAY = 0,         ///< a one-component JPEG, decoded into *pixels
    MIEN_JPEG_NOT_GRAY = 1,     ///< a JPEG of more components: not decoded (the caller uses another decoder)
    MIEN_JPEG_ERROR = 2,        ///< unreadable or damaged: `error` says why
} mien_jpeg_result;

/// Decodes the JPEG at `path` when it has one component: `*pixels` gets
/// width * height bytes (free them with mien_jpeg_free). Images of more than
/// `max_pixels` pixels are refused. `error` (error_size bytes) gets libjpeg's
/// message on MIEN_JPEG_ERROR.
mien_jpeg_result mien_jpeg_decode_gray(const char *path, long max_pixels, uint8_t **pixels, int *width, int *height,
                                       char *error, size_t error_size);

/// Frees what mien_jpeg_decode_gray allocated.
void mien_jpeg_free(uint8_t *pixels);

#ifdef __cplusplus
}
#endif
#endif
