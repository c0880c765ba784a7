/*
 * The seam between the software driver (C) and the project's kernels compiled
 * for the host (C++): the thread coordinates the driver sets, and one table of
 * host kernels per CUDA source, which build.sh generates.
 */
#ifndef KAIROS_HOST_KERNELS_H
#define KAIROS_HOST_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

struct kairos_dim3 {
  unsigned int x, y, z;
};

/* Set by the driver before each call of a kernel's run(): which GPU thread it is. */
extern __thread struct kairos_dim3 kairos_block_idx;
extern __thread struct kairos_dim3 kairos_thread_idx;
extern __thread struct kairos_dim3 kairos_block_dim;
extern __thread struct kairos_dim3 kairos_grid_dim;

/* One kernel of a CUDA source, compiled for the host. */
struct host_kernel {
  const char *name;                      /* the extern "C" name, as the PTX's .entry */
  int parameter_count;
  const unsigned char *parameter_sizes;  /* bytes of each parameter */
  const unsigned char *is_pointer;       /* 1 where a parameter is a pointer (a device address) */
  void (*run)(void **arguments);         /* one GPU thread: arguments[i] points at parameter i */
};

/* Every host kernel of every CUDA source; ends with an entry whose name is NULL. build.sh makes it. */
extern const struct host_kernel *const kairos_host_kernel_tables[];

#ifdef __cplusplus
}
#endif

#endif
