// What the project's CUDA C kernels need from CUDA to compile for the host, as
// the software driver runs them: the function qualifiers, the built-in thread
// coordinates and the few device functions the sources call. Nothing here is
// CUDA's own code; each definition does on one host thread what the CUDA
// programming guide says the device does for one GPU thread.
//
// The coordinates are thread-local variables the driver sets before it calls
// a kernel for each (block, thread) of the grid: a grid runs as a loop on the
// stream's host thread, one GPU thread after another. That is a legal
// schedule for kernels that do not synchronise inside a block, which is true
// of every kernel in kernels/src/main/cuda (none uses __syncthreads or shared
// memory; the driver refuses a launch that asks for shared memory).
//
// A source that uses something not defined here does not compile, so a new
// kernel that needs more of CUDA fails the build of the driver, never a test.
#ifndef KAIROS_CUDA_SHIM_H
#define KAIROS_CUDA_SHIM_H

#include <climits>

#include "host_kernels.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline

#define blockIdx kairos_block_idx
#define threadIdx kairos_thread_idx
#define blockDim kairos_block_dim
#define gridDim kairos_grid_dim

struct __attribute__((aligned(16))) ulonglong2 {
  unsigned long long x, y;
};

static inline ulonglong2 make_ulonglong2(unsigned long long x, unsigned long long y) {
  ulonglong2 v;
  v.x = x;
  v.y = y;
  return v;
}

// Atomics are real atomics: a stream's grid runs on one thread, but two
// streams may run kernels that update the same counter at once.
static inline unsigned long long atomicAdd(unsigned long long *address, unsigned long long value) {
  return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}

static inline long long atomicMin(long long *address, long long value) {
  long long old = __atomic_load_n(address, __ATOMIC_RELAXED);
  while (value < old &&
         !__atomic_compare_exchange_n(address, &old, value, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  return old;
}

#endif
