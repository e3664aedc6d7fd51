// See include/mien_jpeg.h.
#include "mien_jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

/// libjpeg's error manager, ending in a longjmp instead of exit().
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
} failure;

static void on_error(j_common_ptr info) {
    failure *f = (failure *)info->err;
    (*info->err->format_message)(info, f->message);
    longjmp(f->escape, 1);
}

/// Corrupt-data warnings (level -1: a truncated file, a bad Huffman code) are
/// kept, and the image is refused at the end, as Pillow refuses a truncated file;
/// trace messages are dropped.
static void on_message(j_common_ptr info, int level) {
    failure *f = (failure *)info->err;
    if (level >= 0) return;
    if (info->err->num_warnings++ == 0) (*info->err->format_message)(info, f->message);
}

/// Releases the decoder and the file (and `out` unless it is handed over), and returns `result`.
static mien_jpeg_result close_all(struct jpeg_decompress_struct *info, FILE *file, uint8_t *out, mien_jpeg_result result) {
    jpeg_destroy_decompress(info);
    fclose(file);
    if (result != MIEN_JPEG_GRAY) free(out);
    return result;
}

mien_jpeg_result mien_jpeg_decode_gray(const char *path, long max_pixels, uint8_t **pixels, int *width, int *height,
                                       char *error, size_t error_size) {
    *pixels = NULL;
    FILE *file = fopen(path, "rb");
    if (!file) {
        snprintf(error, error_size, "cannot open the file");
        return MIEN_JPEG_ERROR;
    }
    struct jpeg_decompress_struct info;
    failure f;
    info.err = jpeg_std_error(&f.base);
    f.base.error_exit = on_error;
    f.base.emit_message = on_message;
    uint8_t *volatile out = NULL;
    if (setjmp(f.escape)) {
        snprintf(error, error_size, "%s", f.message);
        return close_all(&info, file, out, MIEN_JPEG_ERROR);
    }
    jpeg_create_decompress(&info);
    jpeg_stdio_src(&info, file);
    jpeg_read_header(&info, TRUE);
    if (info.num_components != 1 || info.jpeg_color_space != JCS_GRAYSCALE)
        return close_all(&info, file, out, MIEN_JPEG_NOT_GRAY);
    if ((long)info.image_width * (long)info.image_height > max_pixels) {
        snprintf(error, error_size, "%ux%u is more than %ld pixels", info.image_width, info.image_height, max_pixels);
        return close_all(&info, file, out, MIEN_JPEG_ERROR);
    }
    info.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    size_t row = (size_t)info.output_width * info.output_components;
    out = malloc(row * info.output_height + 1);
    if (!out) {
        snprintf(error, error_size, "out of memory");
        return close_all(&info, file, out, MIEN_JPEG_ERROR);
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW line = out + row * info.output_scanline;
        jpeg_read_scanlines(&info, &line, 1);
    }
    jpeg_finish_decompress(&info);
    if (f.base.num_warnings > 0) {   // corrupt data on the way: refused, as Pillow refuses a truncated file
        snprintf(error, error_size, "damaged: %s", f.message);
        return close_all(&info, file, out, MIEN_JPEG_ERROR);
    }
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *pixels = out;
    return close_all(&info, file, out, MIEN_JPEG_GRAY);
}

void mien_jpeg_free(uint8_t *pixels) { free(pixels); }
