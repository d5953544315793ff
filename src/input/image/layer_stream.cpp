// Layer streaming (see layer_stream.hpp): `raw` undoes the compression of the stored bytes (hashed: the
// digest), `tar` reads entries from what `raw` yields (hashed and counted against the caps between the
// two: the diff_id). Entries are decoded (entry.cpp), counted, and handed to the sink.
#include "input/image/layer_stream.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <functional>
#include <optional>

#include "input/image/libarchive.hpp"
#include "raison/error.hpp"
#include "util/printable.hpp"
#include "util/sha256.hpp"

namespace raison {

namespace {

constexpr std::size_t kBuf = 128 * 1024;

// The state both readers' callbacks share. Callbacks run inside libarchive's C code, so they never
// throw: they park the error here, and whoever sees libarchive fail throws it.
struct Pipeline {
  Pipeline(ByteSource& s, const ImageOpenOptions& o, std::uint64_t& total)
      : src(s), stored_size(s.size()), opt(o), unpacked_total(total) {}
  ByteSource& src;
  std::uint64_t stored_size;  // the base of the ratio cap
  const ImageOpenOptions& opt;
  std::uint64_t& unpacked_total;  // over all layers of the image
  Sha256 stored_hash, tar_hash;
  std::uint64_t stored = 0, unpacked = 0;
  archive* raw = nullptr;
  std::optional<Error> error;
  std::vector<char> in_buf = std::vector<char>(kBuf), out_buf = std::vector<char>(kBuf);
  std::function<void()> on_read;  // set only when someone watches the progress

  la_ssize_t pull_stored(const void** out) {
    try {
      std::size_t n = src.read(in_buf.data(), in_buf.size());
      stored_hash.update({in_buf.data(), n});
      stored += n;
      if (on_read) on_read();
      *out = in_buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (const std::exception& ex) {
      error = Error(ex.what());
      return -1;
    }
  }

  // The caps: a layer may not decompress past max_ratio times its stored size once past ratio_floor,
  // and all layers together may not pass max_unpacked_bytes.
  la_ssize_t pull_unpacked(const void** out) {
    la_ssize_t n = archive_read_data(raw, out_buf.data(), out_buf.size());
    if (n < 0) {
      if (!error) error = Error(std::string("decompressing: ") + archive_message(raw));
      return -1;
    }
    tar_hash.update({out_buf.data(), static_cast<std::size_t>(n)});
    unpacked += static_cast<std::uint64_t>(n);
    unpacked_total += static_cast<std::uint64_t>(n);
    if (unpacked > opt.ratio_floor && static_cast<double>(unpacked) > opt.max_ratio * static_cast<double>(stored_size)) {
      error = Error("decompresses to more than " + std::to_string(static_cast<long long>(opt.max_ratio)) +
                    " times its stored size of " + std::to_string(stored_size) + " bytes (a decompression bomb?)");
      return -1;
    }
    if (unpacked_total > opt.max_unpacked_bytes) {
      error = Error("image unpacks to more than " + std::to_string(opt.max_unpacked_bytes) + " bytes");
      return -1;
    }
    *out = out_buf.data();
    return n;
  }

  [[noreturn]] void fail(archive* a) {
    if (error) throw *error;
    throw Error(archive_message(a));
  }
};

la_ssize_t read_stored(archive*, void* p, const void** out) { return static_cast<Pipeline*>(p)->pull_stored(out); }
la_ssize_t read_unpacked(archive*, void* p, const void** out) {
  return static_cast<Pipeline*>(p)->pull_unpacked(out);
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
  Pipeline p(src, options, budget.unpacked);
  if (options.progress)
    p.on_read = [&] { options.progress({"reading layers", index, budget.layers, "layers", budget.stored + p.stored, false}); };

  // Only in-process decompressors: no external program runs on untrusted bytes.
  ArchivePtr raw(archive_read_new());
  archive_read_support_filter_gzip(raw.get());
  archive_read_support_filter_zstd(raw.get());
  archive_read_support_filter_xz(raw.get());
  archive_read_support_filter_lzma(raw.get());
  archive_read_support_filter_bzip2(raw.get());
  archive_read_support_format_raw(raw.get());
  p.raw = raw.get();
  archive_entry* e;
  int r = archive_read_open(raw.get(), &p, nullptr, read_stored, nullptr);
  if (r == ARCHIVE_OK) r = archive_read_next_header(raw.get(), &e);
  if (r == ARCHIVE_EOF || (r < ARCHIVE_WARN && p.stored == 0 && !p.error)) throw Error("empty layer (0 bytes)");
  if (r < ARCHIVE_WARN) p.fail(raw.get());

  ArchivePtr tar(archive_read_new());
  archive_read_support_format_tar(tar.get());
  archive_read_support_format_empty(tar.get());
  if (archive_read_open(tar.get(), &p, nullptr, read_unpacked, nullptr) != ARCHIVE_OK) {
    if (!p.error) throw Error("not a tar: " + archive_message(tar.get()));
    p.fail(tar.get());
  }
  for (bool first = true;; first = false) {
    r = archive_read_next_header(tar.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN && first && !p.error) throw Error("not a tar: " + archive_message(tar.get()));
    if (r < ARCHIVE_WARN) p.fail(tar.get());
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "?";
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
  while ((r = static_cast<int>(p.pull_unpacked(&ignored))) > 0) {
  }
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
