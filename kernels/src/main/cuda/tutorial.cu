// Device code of Realm's deferred-allocation tutorial: the writer task fills
// two fields of an instance, the reader task checks them.
//
// Field 101 holds IntFloat, field 102 holds LongDouble, one value per point.
// For point p and the task's `add` (1 for field 101, 2 for field 102):
//   x = p + add          converted to x's type
//   y = p + add + 1      converted to y's type
// The sums are taken in 64 bits and then converted (int keeps the low 32 bits,
// float and double round to nearest), which is what a Java variant gets with
// (int) (p + add) and (float) (p + add + 1); for points in int range it is
// also what the tutorial's int arithmetic gives.
//
// Addressing: element i (point lo + i) lives at field_base + i * stride, so
// one kernel serves both layouts: AoS (stride = the element's size, 32 bytes
// in the tutorial) and SoA (stride = the field's size, 8 or 16 bytes).
// field_base and stride must be multiples of the field's alignment (4 bytes
// for IntFloat, 8 for LongDouble).
//
// The kernels are extern "C" so that the host launches them by these names,
// with exactly these parameter lists, through the driver API. Any grid shape
// works: each thread walks the elements with a grid-stride loop, in 64 bits.

struct IntFloat {
  int x;
  float y;
};

struct LongDouble {
  long long x;
  double y;
};

static __device__ long long first_index() {
  return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

static __device__ long long grid_stride() {
  return static_cast<long long>(gridDim.x) * blockDim.x;
}

// A mismatch bumps the count and lowers *first_bad_index to the element index
// i (not the point lo + i); the caller sets *mismatches to 0 and
// *first_bad_index to LLONG_MAX before the launch.
//
// The verify kernels also add the number of points they checked to *checked
// (set to 0 by the caller), one atomic add per thread: a reader that finds
// *checked short of the batch's points knows the check did not cover it (a
// kernel that did not run reports no mismatch either).
static __device__ void record_mismatch(long long i, unsigned long long *mismatches,
                                       long long *first_bad_index) {
  atomicAdd(mismatches, 1ULL);
  atomicMin(first_bad_index, i);
}

extern "C" __global__ void update_int_float(char *field_base, long long lo, long long count,
                                            long long stride, int add) {
  for (long long i = first_index(); i < count; i += grid_stride()) {
    IntFloat *e = reinterpret_cast<IntFloat *>(field_base + i * stride);
    const long long v = lo + i + add;
    e->x = static_cast<int>(v);
    e->y = static_cast<float>(v + 1);
  }
}

extern "C" __global__ void update_long_double(char *field_base, long long lo, long long count,
                                              long long stride, long long add) {
  for (long long i = first_index(); i < count; i += grid_stride()) {
    LongDouble *e = reinterpret_cast<LongDouble *>(field_base + i * stride);
    const long long v = lo + i + add;
    e->x = v;
    e->y = static_cast<double>(v + 1);
  }
}

extern "C" __global__ void verify_int_float(const char *field_base, long long lo,
                                            long long count, long long stride, int add,
                                            unsigned long long *mismatches,
                                            long long *first_bad_index,
                                            unsigned long long *checked) {
  unsigned long long seen = 0;
  for (long long i = first_index(); i < count; i += grid_stride()) {
    const IntFloat *e = reinterpret_cast<const IntFloat *>(field_base + i * stride);
    const long long v = lo + i + add;
    if (e->x != static_cast<int>(v) || e->y != static_cast<float>(v + 1)) {
      record_mismatch(i, mismatches, first_bad_index);
    }
    ++seen;
  }
  if (seen != 0) {
    atomicAdd(checked, seen);
  }
}

extern "C" __global__ void verify_long_double(const char *field_base, long long lo,
                                              long long count, long long stride, long long add,
                                              unsigned long long *mismatches,
                                              long long *first_bad_index,
                                              unsigned long long *checked) {
  unsigned long long seen = 0;
  for (long long i = first_index(); i < count; i += grid_stride()) {
    const LongDouble *e = reinterpret_cast<const LongDouble *>(field_base + i * stride);
    const long long v = lo + i + add;
    if (e->x != v || e->y != static_cast<double>(v + 1)) {
      record_mismatch(i, mismatches, first_bad_index);
    }
    ++seen;
  }
  if (seen != 0) {
    atomicAdd(checked, seen);
  }
}
