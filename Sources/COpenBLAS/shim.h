#ifndef MIEN_COPENBLAS_SHIM_H
#define MIEN_COPENBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS extension: set the number of threads the library may use. */
void openblas_set_num_threads(int num_threads);
/* OpenBLAS extension: the number of threads the library may use now. */
int openblas_get_num_threads(void);
#endif
