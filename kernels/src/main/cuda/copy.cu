// Copies one field of an instance to one field of another instance on the same
// device: a gather/scatter over strided elements.
//
// Element i is read at src_base + i * src_stride and written at
// dst_base + i * dst_stride (AoS: the stride is the element's size; SoA: the
// field's size). Each element is element_size bytes. A pitched copy
// (cuMemcpy2D) would do the same with one row per element, but the driver
// documents that intra-device 2-D copies may fail for pitches not from
// cuMemAllocPitch, and rows of 4 to 36 bytes are slow.
//
// extern "C" so that the host launches it by this name, with exactly this
// parameter list, through the driver API. Any grid shape works: each thread
// walks the elements with a grid-stride loop, in 64 bits.

static __device__ long long first_index() {
  return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

static __device__ long long grid_stride() {
  return static_cast<long long>(gridDim.x) * blockDim.x;
}

// Words of T per element; the caller has checked that T's size divides
// element_size and T's alignment divides both bases and both strides.
template <typename T>
static __device__ void copy_words(const char *src_base, long long src_stride, char *dst_base,
                                  long long dst_stride, long long count, int element_size) {
  const int words = element_size / static_cast<int>(sizeof(T));
  for (long long i = first_index(); i < count; i += grid_stride()) {
    const T *from = reinterpret_cast<const T *>(src_base + i * src_stride);
    T *to = reinterpret_cast<T *>(dst_base + i * dst_stride);
    for (int w = 0; w < words; ++w) {
      to[w] = from[w];
    }
  }
}

extern "C" __global__ void copy_field(const char *src_base, long long src_stride, char *dst_base,
                                      long long dst_stride, long long count, int element_size) {
  if (element_size < 1) {
    return;
  }
  const unsigned long long layout =
      reinterpret_cast<unsigned long long>(src_base) | reinterpret_cast<unsigned long long>(dst_base) |
      static_cast<unsigned long long>(src_stride) | static_cast<unsigned long long>(dst_stride) |
      static_cast<unsigned long long>(element_size);
  if ((layout & 15) == 0) {
    copy_words<ulonglong2>(src_base, src_stride, dst_base, dst_stride, count, element_size);
  } else if ((layout & 7) == 0) {
    copy_words<unsigned long long>(src_base, src_stride, dst_base, dst_stride, count, element_size);
  } else if ((layout & 3) == 0) {
    copy_words<unsigned int>(src_base, src_stride, dst_base, dst_stride, count, element_size);
  } else {
    copy_words<unsigned char>(src_base, src_stride, dst_base, dst_stride, count, element_size);
  }
}
