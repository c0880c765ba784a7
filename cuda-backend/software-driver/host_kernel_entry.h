// Makes a host_kernel table entry out of a kernel function: its parameter
// sizes and which are pointers come from the function's own type, and run()
// calls it with each argument read from the argument array at that type. So
// a kernel's signature is stated once, in its .cu source.
#ifndef KAIROS_HOST_KERNEL_ENTRY_H
#define KAIROS_HOST_KERNEL_ENTRY_H

#include <cstddef>
#include <type_traits>
#include <utility>

#include "host_kernels.h"

template <typename F>
struct HostKernel;

template <typename... A>
struct HostKernel<void (*)(A...)> {
  static constexpr int count = sizeof...(A);
  // One element more than the parameters, so a kernel without any still has an array.
  static constexpr unsigned char sizes[sizeof...(A) + 1] = {static_cast<unsigned char>(sizeof(A))..., 0};
  static constexpr unsigned char pointers[sizeof...(A) + 1] = {std::is_pointer<A>::value ? 1 : 0 ..., 0};

  template <void (*Kernel)(A...), std::size_t... I>
  static void call(void **arguments, std::index_sequence<I...>) {
    Kernel(*static_cast<A *>(arguments[I])...);
  }

  template <void (*Kernel)(A...)>
  static void run(void **arguments) {
    call<Kernel>(arguments, std::index_sequence_for<A...>{});
  }
};

#define HOST_KERNEL(f)                                                                              \
  {                                                                                                 \
    #f, HostKernel<decltype(&f)>::count, HostKernel<decltype(&f)>::sizes,                           \
        HostKernel<decltype(&f)>::pointers, &HostKernel<decltype(&f)>::template run<&f>             \
  }

#endif
