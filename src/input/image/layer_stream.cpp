// Layer streaming (see layer_stream.hpp): the stored bytes are hashed (the digest) and decompressed —
// gzip by ISA-L's igzip inflate, which is several times zlib's speed, every other compression by
// libarchive's filters — and `tar` reads entries from the uncompressed stream (hashed and counted
// against the caps on the way: the diff_id). Entries are decoded (entry.cpp), counted, and handed to
// the sink.
#include "input/image/layer_stream.hpp"

#include <isa-l/igzip_lib.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <functional>
#include <optional>
#include <thread>

#include "input/image/libarchive.hpp"
#include "raison/error.hpp"
#include "util/lazy_lib.hpp"
#include "util/printable.hpp"
#include "util/sha256.hpp"
#include "util/sonames.hpp"

namespace raison {

namespace {

constexpr std::size_t kBuf = 128 * 1024;

// ISA-L's inflater, loaded on first use (util/lazy_lib.hpp), called through isal().
struct Isal {
  decltype(&::isal_inflate_init) inflate_init;
  decltype(&::isal_inflate_reset) inflate_reset;
  decltype(&::isal_inflate) inflate;
};
const Isal& isal() {
  static const Isal table = [] {
    LazyLib lib(kIsalSoname, "gzip layers");
    return Isal{.inflate_init = RAISON_LAZY_FUNCTION(lib, isal_inflate_init),
                .inflate_reset = RAISON_LAZY_FUNCTION(lib, isal_inflate_reset),
                .inflate = RAISON_LAZY_FUNCTION(lib, isal_inflate)};
  }();
  return table;
}

std::string isal_cause(int r) {
  switch (r) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "CRC or size check failed";
    case ISAL_NEED_DICT: return "needs a preset dictionary";
    default: return "error " + std::to_string(r);
  }
}

// The state both readers' callbacks share. Callbacks run inside libarchive's C code, so they never
// throw: they park the error here, and whoever sees libarchive fail throws it.
//
// Two threads for a layer of kThreadFrom stored bytes or more: once the compression is known, a
// producer thread reads, hashes and decompresses the stored bytes and hashes and caps the uncompressed
// stream (pull_unpacked), a few chunks ahead of the tar reader, which takes them from a queue of
// kChunks buffers (memory stays flat). A chunk carries its error, which becomes the pipeline's only
// when the tar reader reaches it: errors surface at the same place in the stream as with one thread.
struct Pipeline {
  Pipeline(ByteSource& s, const ImageOpenOptions& o, std::uint64_t& total)
      : src(s), stored_size(s.size()), opt(o), unpacked_total(total) {}
  ~Pipeline() { stop(); }
  ByteSource& src;
  std::uint64_t stored_size;  // the base of the ratio cap
  const ImageOpenOptions& opt;
  std::uint64_t& unpacked_total;  // over all layers of the image
  Sha256 stored_hash, tar_hash;
  std::atomic<std::uint64_t> stored = 0;  // read by the progress observer while the producer counts
  std::uint64_t unpacked = 0;
  archive* raw = nullptr;                // the libarchive decompressor, unless the layer is gzip
  std::unique_ptr<inflate_state> gzip;  // ISA-L's inflater, if the layer is gzip
  bool gzip_ended = false;               // the last gzip member ended and no other follows
  std::optional<Error> error;           // what the tar reader met (read on its thread)
  std::optional<Error> produced_error;  // what the producer met (its thread, or before it starts)
  std::vector<char> in_buf = std::vector<char>(kBuf), out_buf = std::vector<char>(kBuf);
  std::size_t in_len = 0;  // bytes of in_buf read (and hashed)
  bool in_pending = false;  // in_buf holds the layer's first bytes, read to tell its compression
  // Told of each chunk the tar reader takes (on its thread); set only when someone watches the progress.
  std::function<void()> on_read;

  // Reads stored bytes into in_buf from `at` on, hashed and counted; 0 at the end of the stream.
  std::size_t fill(std::size_t at = 0) {
    std::size_t n = src.read(in_buf.data() + at, in_buf.size() - at);
    stored_hash.update({in_buf.data() + at, n});
    stored += n;
    in_len = at + n;
    return n;
  }

  // The first bytes, which say the compression: gzip goes to ISA-L, anything else to libarchive.
  // False if the layer has no bytes at all.
  bool start() {
    if (fill() == 0) return false;
    if (in_len >= 2 && static_cast<unsigned char>(in_buf[0]) == 0x1f && static_cast<unsigned char>(in_buf[1]) == 0x8b) {
      gzip = std::make_unique<inflate_state>();
      isal().inflate_init(gzip.get());
      gzip->crc_flag = ISAL_GZIP;  // header parsed, CRC-32 and size of each member checked
      gzip->next_in = reinterpret_cast<std::uint8_t*>(in_buf.data());
      gzip->avail_in = static_cast<std::uint32_t>(in_len);
    } else {
      in_pending = true;
    }
    return true;
  }

  // libarchive's read callback for the stored bytes (non-gzip layers).
  la_ssize_t pull_stored(const void** out) {
    try {
      if (!in_pending) fill();
      in_pending = false;
      *out = in_buf.data();
      return static_cast<la_ssize_t>(in_len);
    } catch (const std::exception& ex) {
      produced_error = Error(ex.what());
      return -1;
    }
  }

  // At least `k` stored bytes ahead of the inflater, unless the stream ends first.
  bool gzip_input(std::size_t k) {
    while (gzip->avail_in < k) {
      std::memmove(in_buf.data(), gzip->next_in, gzip->avail_in);
      std::size_t have = gzip->avail_in;
      std::size_t n = fill(have);
      gzip->next_in = reinterpret_cast<std::uint8_t*>(in_buf.data());
      gzip->avail_in = static_cast<std::uint32_t>(have + n);
      if (n == 0) return false;
    }
    return true;
  }

  // Inflates into out_buf: the bytes made, 0 at the end. Members follow one another as gzip allows (a
  // new one starts where its magic number does); bytes after the last are hashed but not read, as
  // libarchive's gzip reader leaves them. Throws Error for corrupt or truncated data.
  std::size_t inflate_gzip() {
    inflate_state& z = *gzip;
    z.next_out = reinterpret_cast<std::uint8_t*>(out_buf.data());
    z.avail_out = static_cast<std::uint32_t>(out_buf.size());
    while (z.avail_out == out_buf.size() && !gzip_ended) {
      if (z.block_state == ISAL_BLOCK_FINISH) {
        if (!gzip_input(2) || static_cast<std::uint8_t>(z.next_in[0]) != 0x1f || z.next_in[1] != 0x8b) {
          gzip_ended = true;
          break;
        }
        std::uint8_t* next_in = z.next_in;
        std::uint32_t avail_in = z.avail_in;
        isal().inflate_reset(&z);
        z.crc_flag = ISAL_GZIP;
        z.next_in = next_in;
        z.avail_in = avail_in;
        z.next_out = reinterpret_cast<std::uint8_t*>(out_buf.data());
        z.avail_out = static_cast<std::uint32_t>(out_buf.size());
      }
      if (z.avail_in == 0 && !gzip_input(1)) throw Error("decompressing: truncated gzip input");
      int r = isal().inflate(&z);
      if (r < 0) throw Error("decompressing: gzip decompression failed (" + isal_cause(r) + ")");
    }
    return out_buf.size() - z.avail_out;
  }

  // The caps: a layer may not decompress past max_ratio times its stored size once past ratio_floor,
  // and all layers together may not pass max_unpacked_bytes.
  la_ssize_t pull_unpacked(const void** out) {
    la_ssize_t n;
    if (gzip) {
      try {
        n = static_cast<la_ssize_t>(inflate_gzip());
      } catch (const std::exception& ex) {
        if (!produced_error) produced_error = Error(ex.what());
        return -1;
      }
    } else {
      n = la().archive_read_data(raw, out_buf.data(), out_buf.size());
      if (n < 0) {
        if (!produced_error) produced_error = Error(std::string("decompressing: ") + archive_message(raw));
        return -1;
      }
    }
    tar_hash.update({out_buf.data(), static_cast<std::size_t>(n)});
    unpacked += static_cast<std::uint64_t>(n);
    unpacked_total += static_cast<std::uint64_t>(n);
    if (unpacked > opt.ratio_floor && static_cast<double>(unpacked) > opt.max_ratio * static_cast<double>(stored_size)) {
      produced_error = Error("decompresses to more than " + std::to_string(static_cast<long long>(opt.max_ratio)) +
                             " times its stored size of " + std::to_string(stored_size) + " bytes (a decompression bomb?)");
      return -1;
    }
    if (unpacked_total > opt.max_unpacked_bytes) {
      produced_error = Error("image unpacks to more than " + std::to_string(opt.max_unpacked_bytes) + " bytes");
      return -1;
    }
    *out = out_buf.data();
    return n;
  }

  // ---- The producer thread and its queue ----
  static constexpr int kChunks = 4;
  // Smaller layers are decompressed on the tar reader's thread: a thread and its buffers would cost
  // more than they save (an image of 900 tiny layers).
  static constexpr std::uint64_t kThreadFrom = 4u << 20;
  bool threaded = false;
  struct Chunk {
    std::vector<char> bytes;
    la_ssize_t n = 0;  // bytes; 0 at the end; -1 with `error`
    std::optional<Error> error;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Chunk> ready;               // made, in stream order
  std::vector<std::vector<char>> spare;  // buffers free for the producer
  bool stopping = false;
  std::thread producer;
  std::vector<char> held;                // the chunk libarchive reads now
  std::optional<Chunk> last;             // the end (or error) once reached: answered again if asked

  void start_producer() {
    if (stored_size < kThreadFrom) return;
    threaded = true;
    for (int i = 0; i < kChunks; ++i) spare.emplace_back(kBuf);
    producer = std::thread([this] { produce(); });
  }

  void produce() {
    for (;;) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [this] { return stopping || !spare.empty(); });
        if (stopping) return;
        out_buf = std::move(spare.back());
        spare.pop_back();
      }
      const void* ignored;
      Chunk c;
      c.n = pull_unpacked(&ignored);
      if (c.n < 0) c.error = std::move(produced_error);
      c.bytes = std::move(out_buf);
      const bool end = c.n <= 0;
      {
        std::lock_guard lock(mu);
        ready.push_back(std::move(c));
      }
      cv.notify_all();
      if (end) return;
    }
  }

  // The tar reader's read callback: the next chunk, in order. The previous one goes back to the producer.
  la_ssize_t next_chunk(const void** out) {
    if (on_read) on_read();
    if (!threaded) {
      la_ssize_t n = pull_unpacked(out);
      if (n < 0 && !error) error = std::move(produced_error);
      return n;
    }
    if (last) {
      if (last->n < 0 && !error) error = last->error;
      return last->n;
    }
    std::unique_lock lock(mu);
    if (!held.empty()) spare.push_back(std::move(held));
    held = {};
    cv.notify_all();
    cv.wait(lock, [this] { return !ready.empty(); });
    Chunk c = std::move(ready.front());
    ready.pop_front();
    if (c.n <= 0) {
      if (c.n < 0 && !error) error = c.error;
      last = std::move(c);
      return last->n;
    }
    held = std::move(c.bytes);
    *out = held.data();
    return c.n;
  }

  // Ends the producer (at once if it waits for a buffer) and waits for it.
  void stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    cv.notify_all();
    if (producer.joinable()) producer.join();
  }

  // Throws what stopped the stream: the tar reader's error, else the producer's (read only when no
  // producer runs), else libarchive's message.
  [[noreturn]] void fail(archive* a) {
    if (error) throw *error;
    if (!producer.joinable() && produced_error) throw *produced_error;
    throw Error(a ? archive_message(a) : "unreadable layer");
  }
};

la_ssize_t read_stored(archive*, void* p, const void** out) { return static_cast<Pipeline*>(p)->pull_stored(out); }
la_ssize_t read_unpacked(archive*, void* p, const void** out) {
  return static_cast<Pipeline*>(p)->next_chunk(out);
}

// The caps on entries, before the sink sees one: their xattrs, and the sizes they declare (a sparse
// file's holes cost nothing to stream but count whole here). A sparse file's is held against the same
// ratio as the stream, over the stored bytes of the layers so far (`stored`), so that a few hundred
// bytes cannot declare gigabytes of holes (other files stream every byte they declare, which the
// stream's ratio sees); every file's against the total cap.
void count_entry(const LayerEntry& entry, const ImageOpenOptions& opt, std::uint64_t stored, LayerBudget& budget) {
  if (entry.meta.xattrs) {
    for (const auto& [name, value] : *entry.meta.xattrs) budget.xattr_bytes += name.size() + value.size();
    if (budget.xattr_bytes > opt.max_xattr_bytes)
      throw Error("xattrs of more than " + std::to_string(opt.max_xattr_bytes) + " bytes in the image");
  }
  if (entry.kind != EntryKind::File) return;
  budget.declared += entry.size;
  if (budget.declared > opt.max_unpacked_bytes)
    throw Error("image unpacks to more than " + std::to_string(opt.max_unpacked_bytes) + " bytes");
  if (entry.sparse && budget.declared > opt.ratio_floor &&
      static_cast<double>(budget.declared) > opt.max_ratio * static_cast<double>(stored))
    throw Error("sparse file of " + std::to_string(entry.size) + " bytes: the image's files declare " +
                std::to_string(budget.declared) + " bytes, more than " +
                std::to_string(static_cast<long long>(opt.max_ratio)) + " times the " + std::to_string(stored) +
                " bytes stored (a sparse-file bomb?)");
}

}  // namespace

LayerDigests stream_layer(ByteSource& src, std::uint32_t index, const ImageOpenOptions& options,
                          LayerBudget& budget, LayerSink& sink) {
  sink.begin_layer(index);
  const std::uint64_t stored_so_far = budget.stored + src.size();
  ArchivePtr raw;  // before the pipeline: its producer thread, which uses it, ends first
  Pipeline p(src, options, budget.unpacked);
  if (options.progress)
    p.on_read = [&] { options.progress({"reading layers", index, budget.layers, "layers", budget.stored + p.stored, false}); };

  // Only in-process decompressors: no external program runs on untrusted bytes. Gzip is inflated
  // here (ISA-L); libarchive's filters take the rest, and the tar reader reads what either yields.
  if (!p.start()) throw Error("empty layer (0 bytes)");
  archive_entry* e;
  int r;
  if (!p.gzip) {
    raw.reset(la().archive_read_new());
    read_compressed(raw.get());
    la().archive_read_support_format_raw(raw.get());
    p.raw = raw.get();
    r = la().archive_read_open(raw.get(), &p, nullptr, read_stored, nullptr);
    if (r == ARCHIVE_OK) r = la().archive_read_next_header(raw.get(), &e);
    if (r == ARCHIVE_EOF || (r < ARCHIVE_WARN && p.stored == 0 && !p.produced_error)) throw Error("empty layer (0 bytes)");
    if (r < ARCHIVE_WARN) p.fail(raw.get());
  }
  p.start_producer();

  ArchivePtr tar(la().archive_read_new());
  la().archive_read_support_format_tar(tar.get());
  la().archive_read_support_format_empty(tar.get());
  if (la().archive_read_open(tar.get(), &p, nullptr, read_unpacked, nullptr) != ARCHIVE_OK) {
    if (!p.error) throw Error("not a tar: " + archive_message(tar.get()));
    p.fail(tar.get());
  }
  for (bool first = true;; first = false) {
    r = la().archive_read_next_header(tar.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN && first && !p.error) throw Error("not a tar: " + archive_message(tar.get()));
    if (r < ARCHIVE_WARN) p.fail(tar.get());
    std::string name = la().archive_entry_pathname(e) ? la().archive_entry_pathname(e) : "?";
    try {
      if (++budget.entries > options.max_entries)
        throw Error("more than " + std::to_string(options.max_entries) + " entries in the image");
      LayerEntry entry = decode_entry(e);
      count_entry(entry, options, stored_so_far, budget);
      EntryData data(tar.get(), entry.size);
      sink.apply(entry, data);
    } catch (const Error& err) {
      // A cap passed while the sink read data surfaces as libarchive's failure: the parked error is the cause.
      if (p.error) throw p.error->context("entry " + printable(name));
      throw err.context("entry " + printable(name));
    }
  }
  // The digests cover every byte, also padding after the tar's end blocks and after the compressed end.
  const void* ignored;
  while ((r = static_cast<int>(p.next_chunk(&ignored))) > 0) {
  }
  p.stop();
  if (r < 0) p.fail(raw.get());
  std::vector<char> rest(kBuf);
  while (std::size_t n = src.read(rest.data(), rest.size())) {
    p.stored_hash.update({rest.data(), n});
    p.stored += n;
  }
  sink.end_layer();
  budget.stored += p.stored;
  return {"sha256:" + p.stored_hash.hex(), "sha256:" + p.tar_hash.hex(), p.stored, p.unpacked};
}

std::vector<LayerInfo> apply_layers(const std::vector<LayerSource>& layers, const ImageOpenOptions& options,
                                    LayerSink& sink) {
  LayerBudget budget{.layers = layers.size()};
  std::vector<LayerInfo> infos;
  if (layers.size() > options.max_layers)
    throw Error(std::to_string(layers.size()) + " layers, more than " + std::to_string(options.max_layers));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSource& layer = layers[i];
    std::unique_ptr<ByteSource> src = layer.open();
    LayerDigests got;
    try {
      got = stream_layer(*src, static_cast<std::uint32_t>(i), options, budget, sink);
      if (!layer.digest.empty() && got.digest != layer.digest)
        throw Error(layer.stored_as + " hashes to " + got.digest +
                    (layer.promised_by.empty() ? "" : ", " + layer.promised_by + " says " + layer.digest));
      if (!layer.diff_id.empty() && got.diff_id != layer.diff_id)
        throw Error("uncompressed tar hashes to " + got.diff_id + ", the config's diff_id is " + layer.diff_id);
    } catch (const Error& e) {
      throw e.context(layer.label);
    }
    infos.push_back({got.digest, got.diff_id, layer.media_type, got.size});
  }
  if (options.progress) options.progress({"reading layers", layers.size(), layers.size(), "layers", budget.stored, true});
  return infos;
}

}  // namespace raison
