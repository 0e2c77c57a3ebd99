// libFuzzer target: one client frame through the protocol decoder (see fuzz/entry.hpp). A broken invariant
// aborts, so libFuzzer saves the input.
#include <cstdio>
#include <cstdlib>

#include "fuzz/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (const auto broken =
          dais::fuzz::decode_frame(std::string_view(reinterpret_cast<const char*>(data), size))) {
    std::fprintf(stderr, "invariant broken: %s\n", broken->c_str());
    std::abort();
  }
  return 0;
}
