/*
 * Kairos's software CUDA driver: a libcuda.so.1 for tests, on host memory.
 *
 * Kairos reaches CUDA through JCuda, whose native library links libcuda.so.1.
 * Put this library first on LD_LIBRARY_PATH and JCuda, and everything above
 * it, runs as on a machine with a GPU: JCuda's marshalling, the driver calls
 * and their results are real, only the device is software. It implements the
 * entry points Kairos uses, under the symbol names JCuda 12.6 links (the _v2
 * ones where CUDA defines them; ENTRY_POINTS below lists them), and answers
 * any other call by not having the symbol.
 *
 * What it models, after the CUDA driver API documentation:
 *
 * - Devices: KAIROS_SOFTCUDA_DEVICES of them (default 1, 0 makes cuInit fail
 *   with CUDA_ERROR_NO_DEVICE), compute capability 9.0, unified addressing,
 *   memory pools, KAIROS_SOFTCUDA_DEVICE_MEMORY bytes each (default 16 GiB).
 *   Driver version 13000 (CUDA 13.0).
 * - Contexts: one primary context per device, retained and released; a
 *   current context per thread. A call that needs one fails with
 *   CUDA_ERROR_INVALID_CONTEXT on a thread without one.
 * - Memory: device memory is host memory, but its addresses are not host
 *   addresses (the host address plus DEVICE_OFFSET, above every user-space
 *   address), so a host/device mix-up fails instead of working by accident;
 *   fresh device memory holds 0xA5 bytes, not zeros. Pinned host memory
 *   (cuMemHostAlloc, cuMemHostRegister) keeps its host address as its device
 *   address, as with unified addressing. Copies check each side's kind.
 * - Streams run their work in order on a host thread each, and only
 *   non-blocking streams exist (Kairos creates no other kind). The legacy
 *   default stream (a null stream) runs its work as late as CUDA allows: at
 *   the next call that synchronises with it. So a synchronous copy from
 *   pageable memory to the device, which CUDA returns from once the bytes are
 *   staged, lands only then, and code that expects it to be on the device
 *   before its own stream's work runs sees stale bytes, every time.
 * - Asynchronous copies from pageable memory are staged at the call; copies to
 *   pageable memory return once done. Intra-device 2-D copies refuse pitches
 *   that are not multiples of PITCH_ALIGNMENT, as the documentation says they
 *   may for pitches not from cuMemAllocPitch.
 * - Kernels: the project's CUDA sources, compiled for the host (build.sh), run
 *   a grid as a loop over its GPU threads on the stream's thread. A module's
 *   PTX names the kernels it holds; each must match its host build's
 *   parameters, and launching one without a host build is an error. Pointer
 *   arguments are translated from device addresses; one outside every
 *   allocation is CUDA_ERROR_ILLEGAL_ADDRESS, sticky: the context answers every
 *   later call with it. KAIROS_SOFTCUDA_FAULT=kernel or kernel@N plants that
 *   fault in the first (or Nth) run of a kernel.
 * - Events record when their stream passes them (CLOCK_MONOTONIC) and answer
 *   query, synchronize and elapsed time; waiting always sleeps.
 *
 * Two functions outside CUDA serve the tests: kairos_softcuda_calls (how often
 * an entry point was called) and kairos_softcuda_live (what is still
 * allocated). Everything is guarded by one mutex; work runs outside it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "host_kernels.h"

#define EXPORT __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct context *CUcontext;
typedef struct stream *CUstream;
typedef struct event *CUevent;
typedef struct module *CUmodule;
typedef struct function *CUfunction;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_IMAGE = 200,
  CUDA_ERROR_INVALID_CONTEXT = 201,
  CUDA_ERROR_INVALID_PTX = 218,
  CUDA_ERROR_INVALID_HANDLE = 400,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_NOT_READY = 600,
  CUDA_ERROR_ILLEGAL_ADDRESS = 700,
  CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED = 712,
  CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED = 713,
  CUDA_ERROR_NOT_SUPPORTED = 801,
};

enum { CU_STREAM_NON_BLOCKING = 1 };
enum { CU_EVENT_BLOCKING_SYNC = 1, CU_EVENT_DISABLE_TIMING = 2 };
enum { CU_MEMORYTYPE_HOST = 1, CU_MEMORYTYPE_DEVICE = 2, CU_MEMORYTYPE_ARRAY = 3, CU_MEMORYTYPE_UNIFIED = 4 };
enum { CU_MEMHOSTALLOC_ALL = 0x7, CU_MEMHOSTREGISTER_ALL = 0xF };

/* The layout of CUDA_MEMCPY2D (the _v2 one, with size_t fields), as cuMemcpy2D_v2 takes it. */
typedef struct {
  size_t srcXInBytes, srcY;
  int srcMemoryType;
  const void *srcHost;
  CUdeviceptr srcDevice;
  void *srcArray;
  size_t srcPitch;
  size_t dstXInBytes, dstY;
  int dstMemoryType;
  void *dstHost;
  CUdeviceptr dstDevice;
  void *dstArray;
  size_t dstPitch;
  size_t WidthInBytes, Height;
} CUDA_MEMCPY2D;

/* Device addresses are host addresses plus this: above every user-space address on x86-64 and arm64 Linux. */
#define DEVICE_OFFSET (1ULL << 48)
/* Intra-device 2-D copies need pitches that are multiples of this (what cuMemAllocPitch would give). */
#define PITCH_ALIGNMENT 512
/* Fresh device memory up to this size is filled with 0xA5; larger allocations stay as the kernel maps them. */
#define POISON_LIMIT (64UL << 20)
#define MAX_DEVICES 8
#define DRIVER_VERSION 13000

/* ------------------------------------------------------------------ entry points and their counts */

#define ENTRY_POINTS                                                                            \
  X(cuInit) X(cuDriverGetVersion) X(cuDeviceGetCount) X(cuDeviceGet) X(cuDeviceGetName)         \
  X(cuDeviceTotalMem_v2) X(cuDeviceGetAttribute) X(cuDevicePrimaryCtxRetain)                    \
  X(cuDevicePrimaryCtxRelease_v2) X(cuCtxSetCurrent) X(cuCtxGetCurrent) X(cuCtxSynchronize)     \
  X(cuGetErrorName) X(cuGetErrorString)                                                         \
  X(cuStreamCreate) X(cuStreamDestroy_v2) X(cuStreamSynchronize)                                \
  X(cuEventCreate) X(cuEventDestroy_v2) X(cuEventRecord) X(cuEventQuery) X(cuEventSynchronize)  \
  X(cuEventElapsedTime)                                                                         \
  X(cuModuleLoadData) X(cuModuleUnload) X(cuModuleGetFunction) X(cuLaunchKernel)                \
  X(cuMemAlloc_v2) X(cuMemFree_v2) X(cuMemAllocAsync) X(cuMemFreeAsync)                         \
  X(cuMemHostAlloc) X(cuMemFreeHost) X(cuMemHostRegister_v2) X(cuMemHostUnregister)             \
  X(cuMemHostGetDevicePointer_v2)                                                               \
  X(cuMemcpy) X(cuMemcpyAsync) X(cuMemcpyHtoD_v2) X(cuMemcpyHtoDAsync_v2) X(cuMemcpyDtoH_v2)    \
  X(cuMemcpyDtoHAsync_v2) X(cuMemcpyDtoD_v2) X(cuMemcpyDtoDAsync_v2) X(cuMemcpy2D_v2)           \
  X(cuMemcpy2DAsync_v2)                                                                         \
  X(cuMemsetD8_v2) X(cuMemsetD8Async) X(cuMemsetD16_v2) X(cuMemsetD16Async) X(cuMemsetD32_v2)   \
  X(cuMemsetD32Async) X(cuMemsetD2D8_v2) X(cuMemsetD2D8Async) X(cuMemsetD2D32_v2)               \
  X(cuMemsetD2D32Async)

enum entry_point {
#define X(name) ENTRY_##name,
  ENTRY_POINTS
#undef X
  ENTRY_POINT_COUNT
};

static const char *const entry_point_names[] = {
#define X(name) #name,
    ENTRY_POINTS
#undef X
};

static unsigned long long entry_point_calls[ENTRY_POINT_COUNT];

#define COUNT(name) __atomic_fetch_add(&entry_point_calls[ENTRY_##name], 1, __ATOMIC_RELAXED)

/* ------------------------------------------------------------------ state */

__thread struct kairos_dim3 kairos_block_idx, kairos_thread_idx, kairos_block_dim, kairos_grid_dim;

enum allocation_kind { DEVICE_MEMORY, PINNED_ALLOCATED, PINNED_REGISTERED };

struct allocation {
  struct allocation *next;
  unsigned long long id; /* never reused: work that names a freed allocation's id finds it gone */
  enum allocation_kind kind;
  char *host;         /* where the bytes are */
  uint64_t address;   /* what CUDA calls them: host + DEVICE_OFFSET for device memory, else host */
  size_t bytes;
  size_t mapped;      /* bytes this driver mapped for it, 0 for registered memory */
  int device;         /* the owner of device memory; -1 for pinned host memory */
  int freeing;        /* cuMemFreeAsync enqueued: no longer free-able */
};

enum op_kind { OP_KERNEL, OP_COPY, OP_SET, OP_EVENT, OP_FREE };

struct op {
  struct op *next;
  enum op_kind kind;
  /* OP_KERNEL: the function, its grid and a copy of its argument bytes, one 16-byte slot each */
  struct function *function;
  struct kairos_dim3 grid, block;
  unsigned char *arguments;
  /* OP_COPY and OP_SET: rows of width bytes (OP_SET: elements) from src to dst */
  char *dst;
  const char *src;
  unsigned long long dst_id, src_id; /* the allocations dst and src lie in; 0 for pageable memory */
  size_t dst_pitch, src_pitch, width, height;
  void *staging; /* freed after the copy: pageable bytes staged at the call */
  unsigned int value;
  int element_size;
  /* OP_EVENT */
  struct event *event;
  unsigned long long generation;
  /* OP_FREE */
  struct allocation *allocation;
};

struct context {
  int device;
  int retained;
  CUresult sticky; /* the first sticky error; CUDA_SUCCESS while the context works */
  /* The legacy default stream: work waiting for a call that synchronises with it. */
  struct op *legacy_head, *legacy_tail;
  pthread_mutex_t legacy_running; /* one thread runs the legacy stream's work at a time, in order */
};

struct stream {
  struct stream *next;
  struct context *context;
  pthread_t thread;
  struct op *head, *tail;
  unsigned long long enqueued, completed;
  int stopping;
  pthread_cond_t work;
};

struct event {
  struct event *next;
  struct context *context;
  unsigned int flags;
  unsigned long long recorded; /* generation of the last record; 0: never recorded */
  unsigned long long reached;  /* the last generation its stream has passed */
  struct timespec when;
};

struct function {
  struct module *module;
  char name[256];
  const struct host_kernel *host; /* NULL: the PTX has it, this driver has no host build of it */
};

struct module {
  struct module *next;
  struct context *context;
  int function_count;
  struct function functions[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t progress = PTHREAD_COND_INITIALIZER; /* a stream finished an op */
static int initialized;
static int device_count;
static size_t device_memory;
static struct context contexts[MAX_DEVICES];
static size_t device_used[MAX_DEVICES];
static struct allocation *allocations;
static unsigned long long allocation_ids;
static struct stream *streams;
static struct event *events;
static struct module *modules;
static char fault_kernel[256];
static unsigned long long fault_run; /* which run of fault_kernel faults, from 1 */
static unsigned long long fault_runs_seen;
static __thread struct context *current;

static void complain(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("kairos software CUDA driver: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
}

static CUresult sticky_of(struct context *c) { return __atomic_load_n(&c->sticky, __ATOMIC_ACQUIRE); }

static void set_sticky(struct context *c, CUresult error) {
  CUresult none = CUDA_SUCCESS;
  __atomic_compare_exchange_n(&c->sticky, &none, error, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* The current context, or why a call that needs one cannot run. */
static CUresult need_context(struct context **out) {
  if (!initialized) {
    return CUDA_ERROR_NOT_INITIALIZED;
  }
  if (current == NULL || current->retained == 0) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  CUresult sticky = sticky_of(current);
  if (sticky != CUDA_SUCCESS) {
    return sticky;
  }
  *out = current;
  return CUDA_SUCCESS;
}

#define NEED_CONTEXT(c)                 \
  struct context *c;                    \
  do {                                  \
    CUresult need_ = need_context(&c);  \
    if (need_ != CUDA_SUCCESS) {        \
      return need_;                     \
    }                                   \
  } while (0)

/* ------------------------------------------------------------------ memory lookup (lock held) */

static struct allocation *allocation_at(uint64_t address, size_t bytes) {
  for (struct allocation *a = allocations; a != NULL; a = a->next) {
    if (address >= a->address && address - a->address <= a->bytes && bytes <= a->bytes - (address - a->address)) {
      return a;
    }
  }
  return NULL;
}

static int is_pinned(const struct allocation *a) { return a != NULL && a->kind != DEVICE_MEMORY; }

/* One side of a copy or memset, resolved: where its bytes are on the host, and what kind of memory they are. */
enum side_kind { SIDE_DEVICE, SIDE_PINNED, SIDE_PAGEABLE };

struct side {
  char *host;
  enum side_kind kind;
  int device;
  unsigned long long id;
};

/*
 * Resolves span bytes at a side of a copy. CU_MEMORYTYPE_HOST takes a host pointer (pageable or
 * pinned), DEVICE a device address of device memory, UNIFIED any address, its kind found as unified
 * addressing does.
 */
static CUresult resolve(int type, uint64_t address, size_t span, struct side *out) {
  struct allocation *a = allocation_at(address, span);
  if (a != NULL && a->freeing) {
    return CUDA_ERROR_INVALID_VALUE; /* given back with cuMemFreeAsync: no later work may use it */
  }
  switch (type) {
    case CU_MEMORYTYPE_HOST:
      if (address >= DEVICE_OFFSET || (a != NULL && a->kind == DEVICE_MEMORY)) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      out->kind = is_pinned(a) ? SIDE_PINNED : SIDE_PAGEABLE;
      out->host = (char *)(uintptr_t)address;
      out->device = -1;
      out->id = a == NULL ? 0 : a->id;
      return CUDA_SUCCESS;
    case CU_MEMORYTYPE_DEVICE:
      if (a == NULL || a->kind != DEVICE_MEMORY) {
        return CUDA_ERROR_INVALID_VALUE;
      }
      break;
    case CU_MEMORYTYPE_UNIFIED:
      if (a == NULL) {
        if (address >= DEVICE_OFFSET) {
          return CUDA_ERROR_INVALID_VALUE;
        }
        out->kind = SIDE_PAGEABLE;
        out->host = (char *)(uintptr_t)address;
        out->device = -1;
        out->id = 0;
        return CUDA_SUCCESS;
      }
      break;
    case CU_MEMORYTYPE_ARRAY:
      return CUDA_ERROR_NOT_SUPPORTED;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
  out->kind = a->kind == DEVICE_MEMORY ? SIDE_DEVICE : SIDE_PINNED;
  out->host = a->host + (address - a->address);
  out->device = a->device;
  out->id = a->id;
  return CUDA_SUCCESS;
}

/* Whether the allocation with this id (0: pageable memory, always there) is still allocated; lock held. */
static int still_allocated(unsigned long long id) {
  if (id == 0) {
    return 1;
  }
  for (struct allocation *a = allocations; a != NULL; a = a->next) {
    if (a->id == id) {
      return 1;
    }
  }
  return 0;
}

/*
 * Whether a copy or set may still touch its memory: it was checked when it was enqueued, but memory
 * can be freed before the work runs (on another stream, or while it waits on the legacy stream).
 * Work on freed memory is an illegal address, as on a GPU, instead of a write into unmapped pages.
 */
static int memory_still_there(struct context *c, struct op *op) {
  pthread_mutex_lock(&lock);
  int there = still_allocated(op->dst_id) && still_allocated(op->src_id);
  pthread_mutex_unlock(&lock);
  if (!there) {
    complain("a copy or set on device %d reaches memory freed since it was enqueued: CUDA_ERROR_ILLEGAL_ADDRESS",
             c->device);
    set_sticky(c, CUDA_ERROR_ILLEGAL_ADDRESS);
  }
  return there;
}

/* ------------------------------------------------------------------ running work */

static void run_kernel(struct context *c, struct op *op) {
  const struct host_kernel *k = op->function->host;
  void *arguments[256];
  for (int i = 0; i < k->parameter_count; i++) {
    unsigned char *slot = op->arguments + 16 * i;
    arguments[i] = slot;
    if (!k->is_pointer[i]) {
      continue;
    }
    uint64_t address;
    memcpy(&address, slot, sizeof address);
    if (address == 0) {
      continue;
    }
    pthread_mutex_lock(&lock);
    struct allocation *a = allocation_at(address, 1);
    /* Memory being freed is still there for work ahead of the free in its stream; work after it finds it gone. */
    int reachable = a != NULL && (a->kind != DEVICE_MEMORY || a->device == c->device);
    char *host = reachable ? a->host + (address - a->address) : NULL;
    pthread_mutex_unlock(&lock);
    if (!reachable) {
      complain("kernel %s, argument %d: address 0x%llx is in no allocation of device %d: CUDA_ERROR_ILLEGAL_ADDRESS",
               k->name, i, (unsigned long long)address, c->device);
      set_sticky(c, CUDA_ERROR_ILLEGAL_ADDRESS);
      return;
    }
    memcpy(slot, &host, sizeof host);
  }
  if (fault_kernel[0] != '\0' && strcmp(fault_kernel, k->name) == 0 &&
      __atomic_add_fetch(&fault_runs_seen, 1, __ATOMIC_RELAXED) == fault_run) {
    complain("kernel %s, run %llu: planted fault (KAIROS_SOFTCUDA_FAULT): CUDA_ERROR_ILLEGAL_ADDRESS", k->name,
             fault_run);
    set_sticky(c, CUDA_ERROR_ILLEGAL_ADDRESS);
    return;
  }
  kairos_grid_dim = op->grid;
  kairos_block_dim = op->block;
  for (unsigned bz = 0; bz < op->grid.z; bz++) {
    for (unsigned by = 0; by < op->grid.y; by++) {
      for (unsigned bx = 0; bx < op->grid.x; bx++) {
        kairos_block_idx = (struct kairos_dim3){bx, by, bz};
        for (unsigned tz = 0; tz < op->block.z; tz++) {
          for (unsigned ty = 0; ty < op->block.y; ty++) {
            for (unsigned tx = 0; tx < op->block.x; tx++) {
              kairos_thread_idx = (struct kairos_dim3){tx, ty, tz};
              k->run(arguments);
            }
          }
        }
      }
    }
  }
}

static void set_rows(struct op *op) {
  for (size_t r = 0; r < op->height; r++) {
    char *row = op->dst + r * op->dst_pitch;
    for (size_t i = 0; i < op->width; i++) {
      switch (op->element_size) {
        case 1:
          row[i] = (char)op->value;
          break;
        case 2: {
          uint16_t v = (uint16_t)op->value;
          memcpy(row + 2 * i, &v, 2);
          break;
        }
        default:
          memcpy(row + 4 * i, &op->value, 4);
          break;
      }
    }
  }
}

static void free_allocation(struct allocation *a) {
  if (a->mapped != 0) {
    munmap(a->host, a->mapped);
  }
  free(a);
}

static void unlink_allocation(struct allocation *a) {
  for (struct allocation **p = &allocations; *p != NULL; p = &(*p)->next) {
    if (*p == a) {
      *p = a->next;
      if (a->kind == DEVICE_MEMORY) {
        device_used[a->device] -= a->bytes;
      }
      return;
    }
  }
}

/* Runs one piece of stream work. A context with a sticky error runs no more kernels, copies or sets. */
static void run_op(struct context *c, struct op *op) {
  int broken = sticky_of(c) != CUDA_SUCCESS;
  switch (op->kind) {
    case OP_KERNEL:
      if (!broken) {
        run_kernel(c, op);
      }
      break;
    case OP_COPY:
      if (!broken && memory_still_there(c, op)) {
        for (size_t r = 0; r < op->height; r++) {
          memmove(op->dst + r * op->dst_pitch, op->src + r * op->src_pitch, op->width);
        }
      }
      break;
    case OP_SET:
      if (!broken && memory_still_there(c, op)) {
        set_rows(op);
      }
      break;
    case OP_EVENT:
      pthread_mutex_lock(&lock);
      clock_gettime(CLOCK_MONOTONIC, &op->event->when);
      op->event->reached = op->generation;
      pthread_mutex_unlock(&lock);
      break;
    case OP_FREE:
      pthread_mutex_lock(&lock);
      unlink_allocation(op->allocation);
      pthread_mutex_unlock(&lock);
      free_allocation(op->allocation);
      break;
  }
}

static void free_op(struct op *op) {
  free(op->arguments);
  free(op->staging);
  free(op);
}

/* Runs the legacy stream's waiting work on the calling thread, in order. */
static void flush_legacy(struct context *c) {
  pthread_mutex_lock(&c->legacy_running);
  for (;;) {
    pthread_mutex_lock(&lock);
    struct op *op = c->legacy_head;
    if (op != NULL) {
      c->legacy_head = op->next;
      if (c->legacy_head == NULL) {
        c->legacy_tail = NULL;
      }
    }
    pthread_mutex_unlock(&lock);
    if (op == NULL) {
      break;
    }
    run_op(c, op);
    free_op(op);
  }
  pthread_mutex_unlock(&c->legacy_running);
}

static void *stream_main(void *argument) {
  struct stream *s = argument;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (s->head == NULL && !s->stopping) {
      pthread_cond_wait(&s->work, &lock);
    }
    struct op *op = s->head;
    if (op == NULL) {
      break;
    }
    s->head = op->next;
    if (s->head == NULL) {
      s->tail = NULL;
    }
    pthread_mutex_unlock(&lock);
    run_op(s->context, op);
    free_op(op);
    pthread_mutex_lock(&lock);
    s->completed++;
    pthread_cond_broadcast(&progress);
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

/*
 * Puts op on stream s, or on the context's legacy stream when s is null; returns the stream's count
 * of enqueued work after it (0 for the legacy stream), to wait for with wait_for.
 */
static unsigned long long enqueue(struct context *c, struct stream *s, struct op *op) {
  pthread_mutex_lock(&lock);
  op->next = NULL;
  unsigned long long ticket = 0;
  if (s == NULL) {
    if (c->legacy_tail == NULL) {
      c->legacy_head = op;
    } else {
      c->legacy_tail->next = op;
    }
    c->legacy_tail = op;
  } else {
    if (s->tail == NULL) {
      s->head = op;
    } else {
      s->tail->next = op;
    }
    s->tail = op;
    ticket = ++s->enqueued;
    pthread_cond_signal(&s->work);
  }
  pthread_mutex_unlock(&lock);
  return ticket;
}

static void wait_for(struct stream *s, unsigned long long ticket) {
  pthread_mutex_lock(&lock);
  while (s->completed < ticket) {
    pthread_cond_wait(&progress, &lock);
  }
  pthread_mutex_unlock(&lock);
}

/* Waits until the legacy stream and every stream of c have run everything enqueued so far. */
static void synchronize_context(struct context *c) {
  flush_legacy(c);
  pthread_mutex_lock(&lock);
  for (struct stream *s = streams; s != NULL; s = s->next) {
    while (s->context == c && s->completed < s->enqueued) {
      pthread_cond_wait(&progress, &lock);
    }
  }
  pthread_mutex_unlock(&lock);
}

static int known_stream(struct context *c, struct stream *s) {
  if (s == NULL) {
    return 1;
  }
  pthread_mutex_lock(&lock);
  int found = 0;
  for (struct stream *t = streams; t != NULL; t = t->next) {
    found |= t == s && t->context == c;
  }
  pthread_mutex_unlock(&lock);
  return found;
}

static struct op *new_op(enum op_kind kind) {
  struct op *op = calloc(1, sizeof *op);
  if (op == NULL) {
    abort();
  }
  op->kind = kind;
  return op;
}

/* ------------------------------------------------------------------ init, devices, contexts */

static size_t environment_size(const char *name, size_t fallback) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0') {
    return fallback;
  }
  char *end;
  unsigned long long value = strtoull(text, &end, 10);
  if (*end != '\0') {
    complain("%s=%s is not a number; using %zu", name, text, fallback);
    return fallback;
  }
  return (size_t)value;
}

EXPORT CUresult cuInit(unsigned int flags) {
  COUNT(cuInit);
  if (flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  pthread_mutex_lock(&lock);
  if (!initialized) {
    size_t count = environment_size("KAIROS_SOFTCUDA_DEVICES", 1);
    device_count = count > MAX_DEVICES ? MAX_DEVICES : (int)count;
    device_memory = environment_size("KAIROS_SOFTCUDA_DEVICE_MEMORY", 16UL << 30);
    for (int d = 0; d < MAX_DEVICES; d++) {
      contexts[d].device = d;
      pthread_mutex_init(&contexts[d].legacy_running, NULL);
    }
    const char *fault = getenv("KAIROS_SOFTCUDA_FAULT");
    if (fault != NULL && *fault != '\0') {
      snprintf(fault_kernel, sizeof fault_kernel, "%s", fault);
      char *at = strchr(fault_kernel, '@');
      fault_run = 1;
      if (at != NULL) {
        *at = '\0';
        fault_run = strtoull(at + 1, NULL, 10);
      }
    }
    initialized = 1;
  }
  pthread_mutex_unlock(&lock);
  return device_count == 0 ? CUDA_ERROR_NO_DEVICE : CUDA_SUCCESS;
}

EXPORT CUresult cuDriverGetVersion(int *version) {
  COUNT(cuDriverGetVersion);
  if (version == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *version = DRIVER_VERSION;
  return CUDA_SUCCESS;
}

static CUresult need_device(CUdevice device) {
  if (!initialized) {
    return CUDA_ERROR_NOT_INITIALIZED;
  }
  return device < 0 || device >= device_count ? CUDA_ERROR_INVALID_DEVICE : CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int *count) {
  COUNT(cuDeviceGetCount);
  if (!initialized) {
    return CUDA_ERROR_NOT_INITIALIZED;
  }
  if (count == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *count = device_count;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  COUNT(cuDeviceGet);
  CUresult r = need_device(ordinal);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  if (device == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *device = ordinal;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
  COUNT(cuDeviceGetName);
  CUresult r = need_device(device);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  if (name == NULL || length < 1) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  snprintf(name, (size_t)length, "Kairos software GPU %d (host memory)", device);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice device) {
  COUNT(cuDeviceTotalMem_v2);
  CUresult r = need_device(device);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  if (bytes == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *bytes = device_memory;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice device) {
  COUNT(cuDeviceGetAttribute);
  CUresult r = need_device(device);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  if (value == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  switch (attribute) {
    case 1:  /* MAX_THREADS_PER_BLOCK */
    case 2:  /* MAX_BLOCK_DIM_X */
    case 3:  /* MAX_BLOCK_DIM_Y */
      *value = 1024;
      return CUDA_SUCCESS;
    case 4:  /* MAX_BLOCK_DIM_Z */
      *value = 64;
      return CUDA_SUCCESS;
    case 5:  /* MAX_GRID_DIM_X */
      *value = 0x7FFFFFFF;
      return CUDA_SUCCESS;
    case 6:  /* MAX_GRID_DIM_Y */
    case 7:  /* MAX_GRID_DIM_Z */
      *value = 65535;
      return CUDA_SUCCESS;
    case 10: /* WARP_SIZE */
      *value = 32;
      return CUDA_SUCCESS;
    case 16: /* MULTIPROCESSOR_COUNT */
    case 19: /* CAN_MAP_HOST_MEMORY */
    case 41: /* UNIFIED_ADDRESSING */
    case 115: /* MEMORY_POOLS_SUPPORTED */
      *value = 1;
      return CUDA_SUCCESS;
    case 75: /* COMPUTE_CAPABILITY_MAJOR */
      *value = 9;
      return CUDA_SUCCESS;
    case 76: /* COMPUTE_CAPABILITY_MINOR */
      *value = 0;
      return CUDA_SUCCESS;
    default:
      complain("cuDeviceGetAttribute: attribute %d is not modelled", attribute);
      return CUDA_ERROR_INVALID_VALUE;
  }
}

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  COUNT(cuDevicePrimaryCtxRetain);
  CUresult r = need_device(device);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  if (context == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  pthread_mutex_lock(&lock);
  contexts[device].retained++;
  pthread_mutex_unlock(&lock);
  *context = &contexts[device];
  return CUDA_SUCCESS;
}

/* What of context c (or, for c null, pinned memory) is still alive; appends a description to text. */
static int describe_live(struct context *c, char *text, size_t length) {
  int live = 0;
  size_t used = strlen(text);
  int streams_alive = 0, events_alive = 0, modules_alive = 0, device_blocks = 0, pinned_blocks = 0;
  size_t device_bytes = 0, pinned_bytes = 0;
  for (struct stream *s = streams; s != NULL; s = s->next) {
    streams_alive += c == NULL || s->context == c;
  }
  for (struct event *e = events; e != NULL; e = e->next) {
    events_alive += c == NULL || e->context == c;
  }
  for (struct module *m = modules; m != NULL; m = m->next) {
    modules_alive += c == NULL || m->context == c;
  }
  for (struct allocation *a = allocations; a != NULL; a = a->next) {
    if (a->kind == DEVICE_MEMORY && (c == NULL || a->device == c->device)) {
      device_blocks++;
      device_bytes += a->bytes;
    } else if (a->kind != DEVICE_MEMORY && c == NULL) {
      pinned_blocks++;
      pinned_bytes += a->bytes;
    }
  }
  live = streams_alive + events_alive + modules_alive + device_blocks + pinned_blocks;
  if (c == NULL) {
    for (int d = 0; d < device_count; d++) {
      live += contexts[d].retained > 0;
      if (contexts[d].retained > 0 && used < length) {
        used += (size_t)snprintf(text + used, length - used, "primary context of device %d (retained %d); ", d,
                                 contexts[d].retained);
      }
    }
  }
  if (used < length) {
    snprintf(text + used, length - used,
             "%d streams, %d events, %d modules, %d device allocations (%zu bytes), %d pinned host ranges (%zu bytes)",
             streams_alive, events_alive, modules_alive, device_blocks, device_bytes, pinned_blocks, pinned_bytes);
  }
  return live;
}

EXPORT CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
  COUNT(cuDevicePrimaryCtxRelease_v2);
  CUresult r = need_device(device);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  struct context *c = &contexts[device];
  pthread_mutex_lock(&lock);
  if (c->retained == 0) {
    pthread_mutex_unlock(&lock);
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  int last = --c->retained == 0;
  pthread_mutex_unlock(&lock);
  if (last) {
    flush_legacy(c);
    char text[512] = "";
    pthread_mutex_lock(&lock);
    int live = describe_live(c, text, sizeof text);
    pthread_mutex_unlock(&lock);
    if (live > 0) {
      complain("the primary context of device %d was released with work still allocated: %s", device, text);
    }
  }
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSetCurrent(CUcontext context) {
  COUNT(cuCtxSetCurrent);
  if (!initialized) {
    return CUDA_ERROR_NOT_INITIALIZED;
  }
  if (context != NULL && (context < contexts || context >= contexts + device_count || context->retained == 0)) {
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  current = context;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxGetCurrent(CUcontext *context) {
  COUNT(cuCtxGetCurrent);
  if (!initialized) {
    return CUDA_ERROR_NOT_INITIALIZED;
  }
  if (context == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *context = current;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSynchronize(void) {
  COUNT(cuCtxSynchronize);
  NEED_CONTEXT(c);
  synchronize_context(c);
  return sticky_of(c);
}

/* ------------------------------------------------------------------ errors */

static const struct {
  CUresult code;
  const char *name;
  const char *text;
} errors[] = {
    {CUDA_SUCCESS, "CUDA_SUCCESS", "no error"},
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED", "cuInit has not been called"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE", "the module image is not PTX text"},
    {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX", "the PTX does not match the kernels' host build"},
    {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY", "device not ready"},
    {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED",
     "part or all of the host memory is already registered"},
    {CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED",
     "the pointer does not start a registered host memory range"},
    {CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported by the software driver"},
};

static int error_index(CUresult code) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    if (errors[i].code == code) {
      return (int)i;
    }
  }
  return -1;
}

EXPORT CUresult cuGetErrorName(CUresult code, const char **name) {
  COUNT(cuGetErrorName);
  int i = error_index(code);
  if (name == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *name = i < 0 ? NULL : errors[i].name;
  return i < 0 ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

EXPORT CUresult cuGetErrorString(CUresult code, const char **text) {
  COUNT(cuGetErrorString);
  int i = error_index(code);
  if (text == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *text = i < 0 ? NULL : errors[i].text;
  return i < 0 ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

/* ------------------------------------------------------------------ streams */

EXPORT CUresult cuStreamCreate(CUstream *stream, unsigned int flags) {
  COUNT(cuStreamCreate);
  NEED_CONTEXT(c);
  if (stream == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (flags != CU_STREAM_NON_BLOCKING) {
    complain("cuStreamCreate(flags=%u): only CU_STREAM_NON_BLOCKING streams are modelled", flags);
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  struct stream *s = calloc(1, sizeof *s);
  if (s == NULL) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  s->context = c;
  pthread_cond_init(&s->work, NULL);
  if (pthread_create(&s->thread, NULL, stream_main, s) != 0) {
    free(s);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  pthread_mutex_lock(&lock);
  s->next = streams;
  streams = s;
  pthread_mutex_unlock(&lock);
  *stream = s;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
  COUNT(cuStreamDestroy_v2);
  NEED_CONTEXT(c);
  if (stream == NULL || !known_stream(c, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  pthread_mutex_lock(&lock);
  for (struct stream **p = &streams; *p != NULL; p = &(*p)->next) {
    if (*p == stream) {
      *p = stream->next;
      break;
    }
  }
  stream->stopping = 1;
  pthread_cond_signal(&stream->work);
  pthread_mutex_unlock(&lock);
  /* CUDA lets the stream's work finish after the call; here the call waits for it. */
  pthread_join(stream->thread, NULL);
  pthread_cond_destroy(&stream->work);
  free(stream);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamSynchronize(CUstream stream) {
  COUNT(cuStreamSynchronize);
  NEED_CONTEXT(c);
  if (!known_stream(c, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (stream == NULL) {
    flush_legacy(c);
  } else {
    pthread_mutex_lock(&lock);
    unsigned long long ticket = stream->enqueued;
    pthread_mutex_unlock(&lock);
    wait_for(stream, ticket);
  }
  return sticky_of(c);
}

/* ------------------------------------------------------------------ events */

static int known_event(struct event *e) {
  int found = 0;
  for (struct event *t = events; t != NULL; t = t->next) {
    found |= t == e;
  }
  return found;
}

EXPORT CUresult cuEventCreate(CUevent *event, unsigned int flags) {
  COUNT(cuEventCreate);
  NEED_CONTEXT(c);
  if (event == NULL || (flags & ~(unsigned)(CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING)) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct event *e = calloc(1, sizeof *e);
  if (e == NULL) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  e->context = c;
  e->flags = flags;
  pthread_mutex_lock(&lock);
  e->next = events;
  events = e;
  pthread_mutex_unlock(&lock);
  *event = e;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuEventDestroy_v2(CUevent event) {
  COUNT(cuEventDestroy_v2);
  NEED_CONTEXT(c);
  (void)c;
  pthread_mutex_lock(&lock);
  if (!known_event(event)) {
    pthread_mutex_unlock(&lock);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  /* CUDA frees a pending event once its stream passes it; here the call waits for that. */
  while (event->reached < event->recorded) {
    pthread_cond_wait(&progress, &lock);
  }
  for (struct event **p = &events; *p != NULL; p = &(*p)->next) {
    if (*p == event) {
      *p = event->next;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  free(event);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuEventRecord(CUevent event, CUstream stream) {
  COUNT(cuEventRecord);
  NEED_CONTEXT(c);
  if (!known_stream(c, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  pthread_mutex_lock(&lock);
  if (!known_event(event) || event->context != c) {
    pthread_mutex_unlock(&lock);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  unsigned long long generation = ++event->recorded;
  pthread_mutex_unlock(&lock);
  struct op *op = new_op(OP_EVENT);
  op->event = event;
  op->generation = generation;
  if (stream == NULL) {
    /* Waiting on an event of the legacy stream waits for its work: run it now. */
    enqueue(c, NULL, op);
    flush_legacy(c);
  } else {
    enqueue(c, stream, op);
  }
  return CUDA_SUCCESS;
}

EXPORT CUresult cuEventQuery(CUevent event) {
  COUNT(cuEventQuery);
  NEED_CONTEXT(c);
  (void)c;
  pthread_mutex_lock(&lock);
  CUresult r = !known_event(event) ? CUDA_ERROR_INVALID_HANDLE
               : event->reached < event->recorded ? CUDA_ERROR_NOT_READY
                                                   : sticky_of(event->context);
  pthread_mutex_unlock(&lock);
  return r;
}

EXPORT CUresult cuEventSynchronize(CUevent event) {
  COUNT(cuEventSynchronize);
  NEED_CONTEXT(c);
  (void)c;
  pthread_mutex_lock(&lock);
  if (!known_event(event)) {
    pthread_mutex_unlock(&lock);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  unsigned long long target = event->recorded;
  while (event->reached < target) {
    pthread_cond_wait(&progress, &lock);
  }
  CUresult r = sticky_of(event->context);
  pthread_mutex_unlock(&lock);
  return r;
}

EXPORT CUresult cuEventElapsedTime(float *milliseconds, CUevent start, CUevent end) {
  COUNT(cuEventElapsedTime);
  NEED_CONTEXT(c);
  (void)c;
  if (milliseconds == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  pthread_mutex_lock(&lock);
  CUresult r = CUDA_SUCCESS;
  if (!known_event(start) || !known_event(end) || ((start->flags | end->flags) & CU_EVENT_DISABLE_TIMING) != 0 ||
      start->recorded == 0 || end->recorded == 0) {
    r = CUDA_ERROR_INVALID_HANDLE;
  } else if (start->reached < start->recorded || end->reached < end->recorded) {
    r = CUDA_ERROR_NOT_READY;
  } else {
    *milliseconds = (float)((double)(end->when.tv_sec - start->when.tv_sec) * 1e3 +
                            (double)(end->when.tv_nsec - start->when.tv_nsec) / 1e6);
  }
  pthread_mutex_unlock(&lock);
  return r;
}

/* ------------------------------------------------------------------ modules and kernels */

static const struct host_kernel *host_kernel(const char *name) {
  for (const struct host_kernel *const *table = kairos_host_kernel_tables; *table != NULL; table++) {
    for (const struct host_kernel *k = *table; k->name != NULL; k++) {
      if (strcmp(k->name, name) == 0) {
        return k;
      }
    }
  }
  return NULL;
}

/* Bytes of a PTX parameter such as ".param .u64 name" or ".param .align 8 .b8 name[16]"; 0 if unreadable. */
static size_t ptx_parameter_size(const char *p, const char *end) {
  const char *type = NULL;
  for (const char *q = p; q + 2 < end; q++) {
    if (q[0] == '.' && (q[1] == 'u' || q[1] == 's' || q[1] == 'b' || q[1] == 'f') && q[2] >= '0' && q[2] <= '9') {
      type = q;
    }
  }
  if (type == NULL) {
    return 0;
  }
  size_t bits = strtoul(type + 2, NULL, 10);
  size_t count = 1;
  const char *bracket = memchr(type, '[', (size_t)(end - type));
  if (bracket != NULL) {
    count = strtoul(bracket + 1, NULL, 10);
  }
  return bits / 8 * count;
}

/* Reads the .entry declarations of a PTX text into m's functions; returns why not, or CUDA_SUCCESS. */
static CUresult read_entries(const char *ptx, struct module **out, struct context *c) {
  int count = 0;
  for (const char *p = strstr(ptx, ".entry "); p != NULL; p = strstr(p + 1, ".entry ")) {
    count++;
  }
  struct module *m = calloc(1, sizeof *m + (size_t)count * sizeof(struct function));
  if (m == NULL) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  m->context = c;
  for (const char *p = strstr(ptx, ".entry "); p != NULL; p = strstr(p + 1, ".entry ")) {
    struct function *f = &m->functions[m->function_count++];
    f->module = m;
    const char *name = p + strlen(".entry ");
    size_t length = strcspn(name, "( \t\r\n");
    if (length == 0 || length >= sizeof f->name) {
      free(m);
      return CUDA_ERROR_INVALID_PTX;
    }
    memcpy(f->name, name, length);
    f->host = host_kernel(f->name);
    const char *open = strchr(name, '(');
    const char *close = open == NULL ? NULL : strchr(open, ')');
    if (open == NULL || close == NULL) {
      free(m);
      return CUDA_ERROR_INVALID_PTX;
    }
    if (f->host == NULL) {
      continue;
    }
    int parameter = 0;
    for (const char *q = strstr(open, ".param"); q != NULL && q < close; parameter++) {
      const char *next = strstr(q + 1, ".param");
      const char *stop = next == NULL || next > close ? close : next;
      size_t size = ptx_parameter_size(q, stop);
      if (parameter >= f->host->parameter_count || size != f->host->parameter_sizes[parameter]) {
        complain("kernel %s: PTX parameter %d has %zu bytes, its host build %s", f->name, parameter, size,
                 parameter >= f->host->parameter_count ? "has fewer parameters" : "another size");
        free(m);
        return CUDA_ERROR_INVALID_PTX;
      }
      q = next;
    }
    if (parameter != f->host->parameter_count) {
      complain("kernel %s: the PTX has %d parameters, its host build %d", f->name, parameter,
               f->host->parameter_count);
      free(m);
      return CUDA_ERROR_INVALID_PTX;
    }
  }
  *out = m;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  COUNT(cuModuleLoadData);
  NEED_CONTEXT(c);
  if (module == NULL || image == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  const char *ptx = image;
  if (strstr(ptx, ".version") == NULL || strstr(ptx, ".target") == NULL) {
    complain("cuModuleLoadData: the image is not PTX text (only PTX is modelled)");
    return CUDA_ERROR_INVALID_IMAGE;
  }
  struct module *m;
  CUresult r = read_entries(ptx, &m, c);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  pthread_mutex_lock(&lock);
  m->next = modules;
  modules = m;
  pthread_mutex_unlock(&lock);
  *module = m;
  return CUDA_SUCCESS;
}

static int known_module(struct module *m) {
  int found = 0;
  for (struct module *t = modules; t != NULL; t = t->next) {
    found |= t == m;
  }
  return found;
}

EXPORT CUresult cuModuleUnload(CUmodule module) {
  COUNT(cuModuleUnload);
  NEED_CONTEXT(c);
  (void)c;
  pthread_mutex_lock(&lock);
  if (!known_module(module)) {
    pthread_mutex_unlock(&lock);
    return CUDA_ERROR_INVALID_HANDLE;
  }
  for (struct module **p = &modules; *p != NULL; p = &(*p)->next) {
    if (*p == module) {
      *p = module->next;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  free(module);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleGetFunction(CUfunction *function, CUmodule module, const char *name) {
  COUNT(cuModuleGetFunction);
  NEED_CONTEXT(c);
  (void)c;
  if (function == NULL || name == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  pthread_mutex_lock(&lock);
  int known = known_module(module);
  pthread_mutex_unlock(&lock);
  if (!known) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  for (int i = 0; i < module->function_count; i++) {
    if (strcmp(module->functions[i].name, name) == 0) {
      *function = &module->functions[i];
      return CUDA_SUCCESS;
    }
  }
  return CUDA_ERROR_NOT_FOUND;
}

EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                               unsigned int blockX, unsigned int blockY, unsigned int blockZ,
                               unsigned int sharedMemoryBytes, CUstream stream, void **parameters, void **extra) {
  COUNT(cuLaunchKernel);
  NEED_CONTEXT(c);
  pthread_mutex_lock(&lock);
  int known = f != NULL && known_module(f->module) && f->module->context == c;
  pthread_mutex_unlock(&lock);
  if (!known || !known_stream(c, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (f->host == NULL) {
    complain("cuLaunchKernel(%s): the PTX names this kernel, but the driver was built without it: rebuild it"
             " with build.sh from the kernels' sources",
             f->name);
    return CUDA_ERROR_NOT_FOUND;
  }
  if (gridX == 0 || gridY == 0 || gridZ == 0 || gridY > 65535 || gridZ > 65535 || blockX == 0 || blockY == 0 ||
      blockZ == 0 || blockX > 1024 || blockY > 1024 || blockZ > 64 ||
      (unsigned long long)blockX * blockY * blockZ > 1024) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (sharedMemoryBytes != 0 || extra != NULL) {
    complain("cuLaunchKernel(%s): dynamic shared memory and 'extra' parameters are not modelled", f->name);
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  const struct host_kernel *k = f->host;
  if (k->parameter_count > 0 && parameters == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct op *op = new_op(OP_KERNEL);
  op->function = f;
  op->grid = (struct kairos_dim3){gridX, gridY, gridZ};
  op->block = (struct kairos_dim3){blockX, blockY, blockZ};
  op->arguments = calloc((size_t)k->parameter_count + 1, 16);
  for (int i = 0; i < k->parameter_count; i++) {
    if (k->parameter_sizes[i] > 16) {
      free_op(op);
      return CUDA_ERROR_NOT_SUPPORTED;
    }
    memcpy(op->arguments + 16 * i, parameters[i], k->parameter_sizes[i]);
  }
  enqueue(c, stream, op);
  return CUDA_SUCCESS;
}

/* ------------------------------------------------------------------ memory */

static CUresult map_device_memory(struct context *c, size_t bytes, CUdeviceptr *out) {
  if (out == NULL || bytes == 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct allocation *a = calloc(1, sizeof *a);
  if (a == NULL) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  pthread_mutex_lock(&lock);
  int room = bytes <= device_memory - device_used[c->device];
  if (room) {
    device_used[c->device] += bytes;
  }
  pthread_mutex_unlock(&lock);
  if (!room) {
    free(a);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  size_t mapped = (bytes + 4095) & ~(size_t)4095;
  void *host = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (host == MAP_FAILED) {
    pthread_mutex_lock(&lock);
    device_used[c->device] -= bytes;
    pthread_mutex_unlock(&lock);
    free(a);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  if (bytes <= POISON_LIMIT) {
    memset(host, 0xA5, bytes);
  }
  a->kind = DEVICE_MEMORY;
  a->host = host;
  a->address = (uint64_t)(uintptr_t)host + DEVICE_OFFSET;
  a->bytes = bytes;
  a->mapped = mapped;
  a->device = c->device;
  pthread_mutex_lock(&lock);
  a->id = ++allocation_ids;
  a->next = allocations;
  allocations = a;
  pthread_mutex_unlock(&lock);
  *out = a->address;
  return CUDA_SUCCESS;
}

/* The allocation of kind that starts at address, not already being freed; lock held. */
static struct allocation *allocation_starting(uint64_t address, enum allocation_kind kind) {
  for (struct allocation *a = allocations; a != NULL; a = a->next) {
    if (a->address == address && a->kind == kind && !a->freeing) {
      return a;
    }
  }
  return NULL;
}

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *address, size_t bytes) {
  COUNT(cuMemAlloc_v2);
  NEED_CONTEXT(c);
  return map_device_memory(c, bytes, address);
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr address) {
  COUNT(cuMemFree_v2);
  NEED_CONTEXT(c);
  /* cuMemFree waits for the device's work, as CUDA's does: work may still use the memory. */
  synchronize_context(c);
  pthread_mutex_lock(&lock);
  struct allocation *a = allocation_starting(address, DEVICE_MEMORY);
  if (a != NULL) {
    unlink_allocation(a);
  }
  pthread_mutex_unlock(&lock);
  if (a == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  free_allocation(a);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemAllocAsync(CUdeviceptr *address, size_t bytes, CUstream stream) {
  COUNT(cuMemAllocAsync);
  NEED_CONTEXT(c);
  if (!known_stream(c, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  /* Memory that exists from the call on is usable by the stream's later work, as CUDA promises. */
  return map_device_memory(c, bytes, address);
}

EXPORT CUresult cuMemFreeAsync(CUdeviceptr address, CUstream stream) {
  COUNT(cuMemFreeAsync);
  NEED_CONTEXT(c);
  if (!known_stream(c, stream)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  pthread_mutex_lock(&lock);
  struct allocation *a = allocation_starting(address, DEVICE_MEMORY);
  if (a != NULL) {
    a->freeing = 1; /* before the free is enqueued: once it is, the stream may free a at any moment */
  }
  pthread_mutex_unlock(&lock);
  if (a == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct op *op = new_op(OP_FREE);
  op->allocation = a;
  enqueue(c, stream, op);
  return CUDA_SUCCESS;
}

/* Records pinned host memory; fails if it overlaps memory already pinned. */
static CUresult add_pinned(char *host, size_t bytes, size_t mapped, enum allocation_kind kind) {
  struct allocation *a = calloc(1, sizeof *a);
  if (a == NULL) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  a->kind = kind;
  a->host = host;
  a->address = (uint64_t)(uintptr_t)host;
  a->bytes = bytes;
  a->mapped = mapped;
  a->device = -1;
  pthread_mutex_lock(&lock);
  for (struct allocation *b = allocations; b != NULL; b = b->next) {
    if (b->kind != DEVICE_MEMORY && a->address < b->address + b->bytes && b->address < a->address + bytes) {
      pthread_mutex_unlock(&lock);
      free(a);
      return CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
    }
  }
  a->id = ++allocation_ids;
  a->next = allocations;
  allocations = a;
  pthread_mutex_unlock(&lock);
  return CUDA_SUCCESS;
}

static CUresult remove_pinned(void *host, enum allocation_kind kind, CUresult missing) {
  pthread_mutex_lock(&lock);
  struct allocation *a = allocation_starting((uint64_t)(uintptr_t)host, kind);
  if (a != NULL) {
    unlink_allocation(a);
  }
  pthread_mutex_unlock(&lock);
  if (a == NULL) {
    return missing;
  }
  free_allocation(a);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemHostAlloc(void **host, size_t bytes, unsigned int flags) {
  COUNT(cuMemHostAlloc);
  NEED_CONTEXT(c);
  (void)c;
  if (host == NULL || bytes == 0 || (flags & ~(unsigned)CU_MEMHOSTALLOC_ALL) != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  size_t mapped = (bytes + 4095) & ~(size_t)4095;
  void *memory = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  CUresult r = add_pinned(memory, bytes, mapped, PINNED_ALLOCATED);
  if (r != CUDA_SUCCESS) {
    munmap(memory, mapped);
    return r;
  }
  *host = memory;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemFreeHost(void *host) {
  COUNT(cuMemFreeHost);
  NEED_CONTEXT(c);
  synchronize_context(c);
  return remove_pinned(host, PINNED_ALLOCATED, CUDA_ERROR_INVALID_VALUE);
}

EXPORT CUresult cuMemHostRegister_v2(void *host, size_t bytes, unsigned int flags) {
  COUNT(cuMemHostRegister_v2);
  NEED_CONTEXT(c);
  (void)c;
  if (host == NULL || bytes == 0 || (flags & ~(unsigned)CU_MEMHOSTREGISTER_ALL) != 0 ||
      (uint64_t)(uintptr_t)host >= DEVICE_OFFSET) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  return add_pinned(host, bytes, 0, PINNED_REGISTERED);
}

EXPORT CUresult cuMemHostUnregister(void *host) {
  COUNT(cuMemHostUnregister);
  NEED_CONTEXT(c);
  synchronize_context(c);
  return remove_pinned(host, PINNED_REGISTERED, CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
}

EXPORT CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *device, void *host, unsigned int flags) {
  COUNT(cuMemHostGetDevicePointer_v2);
  NEED_CONTEXT(c);
  (void)c;
  if (device == NULL || flags != 0) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  pthread_mutex_lock(&lock);
  struct allocation *a = allocation_at((uint64_t)(uintptr_t)host, 1);
  int pinned = is_pinned(a);
  pthread_mutex_unlock(&lock);
  if (!pinned) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  *device = (CUdeviceptr)(uintptr_t)host; /* unified addressing: the same address on both sides */
  return CUDA_SUCCESS;
}

/* ------------------------------------------------------------------ copies and sets */

/*
 * One copy of height rows of width bytes, after the documented rules of synchronous and
 * asynchronous copies: stream null is a synchronous call (the legacy stream), else an Async one.
 */
static CUresult copy(struct context *c, struct stream *s, int dst_type, uint64_t dst, size_t dst_pitch,
                     int src_type, uint64_t src, size_t src_pitch, size_t width, size_t height) {
  if (!known_stream(c, s)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (width == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  if (height > 1 && (dst_pitch < width || src_pitch < width)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct side to, from;
  pthread_mutex_lock(&lock);
  CUresult r = resolve(dst_type, dst, (height - 1) * dst_pitch + width, &to);
  if (r == CUDA_SUCCESS) {
    r = resolve(src_type, src, (height - 1) * src_pitch + width, &from);
  }
  pthread_mutex_unlock(&lock);
  if (r != CUDA_SUCCESS) {
    return r;
  }
  if (height > 1 && to.kind == SIDE_DEVICE && from.kind == SIDE_DEVICE && to.device == from.device &&
      (dst_pitch % PITCH_ALIGNMENT != 0 || src_pitch % PITCH_ALIGNMENT != 0)) {
    complain("2-D copy within device %d: pitches %zu and %zu are not multiples of %d, which cuMemcpy2D may refuse"
             " for pitches not from cuMemAllocPitch",
             to.device, src_pitch, dst_pitch, PITCH_ALIGNMENT);
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct op *op = new_op(OP_COPY);
  op->dst = to.host;
  op->dst_id = to.id;
  op->src_id = from.kind == SIDE_PAGEABLE ? 0 : from.id;
  op->dst_pitch = dst_pitch;
  op->src = from.host;
  op->src_pitch = src_pitch;
  op->width = width;
  op->height = height;
  if (from.kind == SIDE_PAGEABLE && to.kind != SIDE_PAGEABLE) {
    /* Pageable source: staged now, so the caller may reuse it when the call returns. */
    op->staging = malloc(width * height);
    if (op->staging == NULL) {
      free_op(op);
      return CUDA_ERROR_OUT_OF_MEMORY;
    }
    for (size_t row = 0; row < height; row++) {
      memcpy((char *)op->staging + row * width, from.host + row * src_pitch, width);
    }
    op->src = op->staging;
    op->src_pitch = width;
  }
  int pageable_destination = to.kind == SIDE_PAGEABLE;
  int host_synchronous = s == NULL && (to.kind != SIDE_DEVICE || from.kind == SIDE_PINNED);
  if (s == NULL) {
    enqueue(c, NULL, op);
    if (pageable_destination || host_synchronous) {
      flush_legacy(c);
    }
  } else {
    unsigned long long ticket = enqueue(c, s, op);
    if (pageable_destination) {
      /* To pageable memory an Async copy returns only once it is done. */
      wait_for(s, ticket);
    }
  }
  return sticky_of(c);
}

EXPORT CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  COUNT(cuMemcpy);
  NEED_CONTEXT(c);
  return copy(c, NULL, CU_MEMORYTYPE_UNIFIED, dst, bytes, CU_MEMORYTYPE_UNIFIED, src, bytes, bytes, 1);
}

EXPORT CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  COUNT(cuMemcpyAsync);
  NEED_CONTEXT(c);
  return copy(c, stream, CU_MEMORYTYPE_UNIFIED, dst, bytes, CU_MEMORYTYPE_UNIFIED, src, bytes, bytes, 1);
}

EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
  COUNT(cuMemcpyHtoD_v2);
  NEED_CONTEXT(c);
  return copy(c, NULL, CU_MEMORYTYPE_DEVICE, dst, bytes, CU_MEMORYTYPE_HOST, (uint64_t)(uintptr_t)src, bytes,
              bytes, 1);
}

EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes, CUstream stream) {
  COUNT(cuMemcpyHtoDAsync_v2);
  NEED_CONTEXT(c);
  return copy(c, stream, CU_MEMORYTYPE_DEVICE, dst, bytes, CU_MEMORYTYPE_HOST, (uint64_t)(uintptr_t)src, bytes,
              bytes, 1);
}

EXPORT CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  COUNT(cuMemcpyDtoH_v2);
  NEED_CONTEXT(c);
  return copy(c, NULL, CU_MEMORYTYPE_HOST, (uint64_t)(uintptr_t)dst, bytes, CU_MEMORYTYPE_DEVICE, src, bytes,
              bytes, 1);
}

EXPORT CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  COUNT(cuMemcpyDtoHAsync_v2);
  NEED_CONTEXT(c);
  return copy(c, stream, CU_MEMORYTYPE_HOST, (uint64_t)(uintptr_t)dst, bytes, CU_MEMORYTYPE_DEVICE, src, bytes,
              bytes, 1);
}

EXPORT CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  COUNT(cuMemcpyDtoD_v2);
  NEED_CONTEXT(c);
  return copy(c, NULL, CU_MEMORYTYPE_DEVICE, dst, bytes, CU_MEMORYTYPE_DEVICE, src, bytes, bytes, 1);
}

EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
  COUNT(cuMemcpyDtoDAsync_v2);
  NEED_CONTEXT(c);
  return copy(c, stream, CU_MEMORYTYPE_DEVICE, dst, bytes, CU_MEMORYTYPE_DEVICE, src, bytes, bytes, 1);
}

static CUresult copy_2d(struct context *c, const CUDA_MEMCPY2D *p, struct stream *s) {
  if (p == NULL) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  uint64_t src = p->srcMemoryType == CU_MEMORYTYPE_HOST ? (uint64_t)(uintptr_t)p->srcHost : p->srcDevice;
  uint64_t dst = p->dstMemoryType == CU_MEMORYTYPE_HOST ? (uint64_t)(uintptr_t)p->dstHost : p->dstDevice;
  return copy(c, s, p->dstMemoryType, dst + p->dstY * p->dstPitch + p->dstXInBytes, p->dstPitch, p->srcMemoryType,
              src + p->srcY * p->srcPitch + p->srcXInBytes, p->srcPitch, p->WidthInBytes, p->Height);
}

EXPORT CUresult cuMemcpy2D_v2(const CUDA_MEMCPY2D *p) {
  COUNT(cuMemcpy2D_v2);
  NEED_CONTEXT(c);
  return copy_2d(c, p, NULL);
}

EXPORT CUresult cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D *p, CUstream stream) {
  COUNT(cuMemcpy2DAsync_v2);
  NEED_CONTEXT(c);
  return copy_2d(c, p, stream);
}

/* Sets height rows of width elements of element_size bytes at dst (pitch bytes apart) to value. */
static CUresult set(struct context *c, struct stream *s, CUdeviceptr dst, size_t pitch, unsigned int value,
                    int element_size, size_t width, size_t height) {
  if (!known_stream(c, s)) {
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (width == 0 || height == 0) {
    return CUDA_SUCCESS;
  }
  if (dst % (uint64_t)element_size != 0 || pitch % (size_t)element_size != 0 ||
      (height > 1 && pitch < width * (size_t)element_size)) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct side to;
  pthread_mutex_lock(&lock);
  CUresult r = resolve(CU_MEMORYTYPE_UNIFIED, dst, (height - 1) * pitch + width * (size_t)element_size, &to);
  pthread_mutex_unlock(&lock);
  if (r != CUDA_SUCCESS || to.kind == SIDE_PAGEABLE) {
    return CUDA_ERROR_INVALID_VALUE;
  }
  struct op *op = new_op(OP_SET);
  op->dst = to.host;
  op->dst_id = to.id;
  op->dst_pitch = pitch;
  op->width = width;
  op->height = height;
  op->value = value;
  op->element_size = element_size;
  enqueue(c, s, op);
  if (s == NULL && to.kind == SIDE_PINNED) {
    flush_legacy(c); /* a synchronous set of host memory is done when it returns */
  }
  return sticky_of(c);
}

EXPORT CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count) {
  COUNT(cuMemsetD8_v2);
  NEED_CONTEXT(c);
  return set(c, NULL, dst, count, value, 1, count, 1);
}

EXPORT CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, CUstream stream) {
  COUNT(cuMemsetD8Async);
  NEED_CONTEXT(c);
  return set(c, stream, dst, count, value, 1, count, 1);
}

EXPORT CUresult cuMemsetD16_v2(CUdeviceptr dst, unsigned short value, size_t count) {
  COUNT(cuMemsetD16_v2);
  NEED_CONTEXT(c);
  return set(c, NULL, dst, 2 * count, value, 2, count, 1);
}

EXPORT CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short value, size_t count, CUstream stream) {
  COUNT(cuMemsetD16Async);
  NEED_CONTEXT(c);
  return set(c, stream, dst, 2 * count, value, 2, count, 1);
}

EXPORT CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned int value, size_t count) {
  COUNT(cuMemsetD32_v2);
  NEED_CONTEXT(c);
  return set(c, NULL, dst, 4 * count, value, 4, count, 1);
}

EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned int value, size_t count, CUstream stream) {
  COUNT(cuMemsetD32Async);
  NEED_CONTEXT(c);
  return set(c, stream, dst, 4 * count, value, 4, count, 1);
}

EXPORT CUresult cuMemsetD2D8_v2(CUdeviceptr dst, size_t pitch, unsigned char value, size_t width, size_t height) {
  COUNT(cuMemsetD2D8_v2);
  NEED_CONTEXT(c);
  return set(c, NULL, dst, pitch, value, 1, width, height);
}

EXPORT CUresult cuMemsetD2D8Async(CUdeviceptr dst, size_t pitch, unsigned char value, size_t width, size_t height,
                                  CUstream stream) {
  COUNT(cuMemsetD2D8Async);
  NEED_CONTEXT(c);
  return set(c, stream, dst, pitch, value, 1, width, height);
}

EXPORT CUresult cuMemsetD2D32_v2(CUdeviceptr dst, size_t pitch, unsigned int value, size_t width, size_t height) {
  COUNT(cuMemsetD2D32_v2);
  NEED_CONTEXT(c);
  return set(c, NULL, dst, pitch, value, 4, width, height);
}

EXPORT CUresult cuMemsetD2D32Async(CUdeviceptr dst, size_t pitch, unsigned int value, size_t width, size_t height,
                                   CUstream stream) {
  COUNT(cuMemsetD2D32Async);
  NEED_CONTEXT(c);
  return set(c, stream, dst, pitch, value, 4, width, height);
}

/* ------------------------------------------------------------------ for the tests, outside CUDA */

/* How often entry_point (e.g. "cuMemAlloc_v2") has been called in this process; -1 if it is not one. */
EXPORT long long kairos_softcuda_calls(const char *entry_point) {
  for (int i = 0; i < ENTRY_POINT_COUNT; i++) {
    if (strcmp(entry_point_names[i], entry_point) == 0) {
      return (long long)__atomic_load_n(&entry_point_calls[i], __ATOMIC_RELAXED);
    }
  }
  return -1;
}

/* The number of resources still alive (retained contexts, streams, events, modules, memory), described in text. */
EXPORT int kairos_softcuda_live(char *text, size_t length) {
  if (length > 0) {
    text[0] = '\0';
  }
  pthread_mutex_lock(&lock);
  int live = describe_live(NULL, text, length);
  pthread_mutex_unlock(&lock);
  return live;
}
