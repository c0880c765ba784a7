// Fills one field of an instance with one value.
//
// Element i lives at field_base + i * stride (AoS: stride = the element's
// size; SoA: stride = the field's size). The value is the first value_size
// bytes of the 16-byte little-endian number v0 | v1 << 64: v0 holds bytes 0..7,
// v1 bytes 8..15, so a host copies the value's bytes into two 64-bit words as
// they lie in memory.
//
// Limit: value_size must be 1..16, because the value travels in the kernel's
// parameters. For any other size the kernel writes nothing; the host rejects
// such a fill before launching it, and fills wider values another way.
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

// One store per element; the caller has checked that T's alignment divides
// both field_base and stride.
template <typename T>
static __device__ void fill_words(char *field_base, long long count, long long stride, T value) {
  for (long long i = first_index(); i < count; i += grid_stride()) {
    *reinterpret_cast<T *>(field_base + i * stride) = value;
  }
}

// Any size and any alignment, one byte at a time.
static __device__ void fill_bytes(char *field_base, long long count, long long stride,
                                  int value_size, unsigned long long v0, unsigned long long v1) {
  for (long long i = first_index(); i < count; i += grid_stride()) {
    unsigned char *e = reinterpret_cast<unsigned char *>(field_base + i * stride);
    for (int b = 0; b < value_size; ++b) {
      const unsigned long long word = b < 8 ? v0 : v1;
      e[b] = static_cast<unsigned char>(word >> (8 * (b % 8)));
    }
  }
}

extern "C" __global__ void fill_field(char *field_base, long long count, long long stride,
                                      int value_size, unsigned long long v0,
                                      unsigned long long v1) {
  if (value_size < 1 || value_size > 16) {
    return;
  }
  // Sizes 2, 4, 8 and 16 are powers of two, so the mask tests their alignment;
  // other sizes take the byte loop whatever the mask says.
  const unsigned long long misalignment =
      (reinterpret_cast<unsigned long long>(field_base) | static_cast<unsigned long long>(stride)) &
      static_cast<unsigned long long>(value_size - 1);
  if (misalignment == 0) {
    switch (value_size) {
      case 2:
        fill_words(field_base, count, stride, static_cast<unsigned short>(v0));
        return;
      case 4:
        fill_words(field_base, count, stride, static_cast<unsigned int>(v0));
        return;
      case 8:
        fill_words(field_base, count, stride, v0);
        return;
      case 16:
        fill_words(field_base, count, stride, make_ulonglong2(v0, v1));
        return;
      default:
        break;
    }
  }
  fill_bytes(field_base, count, stride, value_size, v0, v1);
}
