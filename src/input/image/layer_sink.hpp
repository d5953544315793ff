// Where decoded layer entries go. The layer stream decodes and checks; a sink applies. Staging writes
// the entries into a directory (lazily, recording where the files no analyzer reads are); the second
// pass of lazy unpacking (deferred.cpp) writes only the entries asked for.
#pragma once

#include <cstdint>

#include "input/image/entry.hpp"

namespace raison {

class LayerSink {
 public:
  virtual ~LayerSink() = default;
  // Layers come in order, 0 first; every entry between begin_layer(i) and end_layer() is of layer i.
  virtual void begin_layer(std::uint32_t index) = 0;
  // One entry, in tar order. `data` yields a File's bytes (read them now: the stream moves on).
  // Throws Error naming the cause; the stream adds the entry's name.
  virtual void apply(const LayerEntry& entry, EntryData& data) = 0;
  virtual void end_layer() = 0;
};

}  // namespace raison
