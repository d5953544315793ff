// libarchive for the image readers and the tar writer, loaded on first use (util/lazy_lib.hpp): its
// functions are called through la(), the table below, and archive handles are owned here.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

namespace raison {

// Every libarchive function raison calls; one missing here does not compile where it is called.
#define RAISON_LIBARCHIVE_FUNCTIONS(X) \
  X(archive_entry_filetype) \
  X(archive_entry_free) \
  X(archive_entry_gid) \
  X(archive_entry_hardlink) \
  X(archive_entry_mode) \
  X(archive_entry_mtime) \
  X(archive_entry_new) \
  X(archive_entry_pathname) \
  X(archive_entry_set_filetype) \
  X(archive_entry_set_gid) \
  X(archive_entry_set_hardlink) \
  X(archive_entry_set_mtime) \
  X(archive_entry_set_pathname) \
  X(archive_entry_set_perm) \
  X(archive_entry_set_size) \
  X(archive_entry_set_symlink) \
  X(archive_entry_set_uid) \
  X(archive_entry_size) \
  X(archive_entry_size_is_set) \
  X(archive_entry_sparse_count) \
  X(archive_entry_symlink) \
  X(archive_entry_uid) \
  X(archive_entry_xattr_add_entry) \
  X(archive_entry_xattr_next) \
  X(archive_entry_xattr_reset) \
  X(archive_error_string) \
  X(archive_filter_count) \
  X(archive_read_data) \
  X(archive_read_data_block) \
  X(archive_read_free) \
  X(archive_read_new) \
  X(archive_read_next_header) \
  X(archive_read_open) \
  X(archive_read_open_filename) \
  X(archive_read_support_filter_bzip2) \
  X(archive_read_support_filter_gzip) \
  X(archive_read_support_filter_lzma) \
  X(archive_read_support_filter_xz) \
  X(archive_read_support_filter_zstd) \
  X(archive_read_support_format_empty) \
  X(archive_read_support_format_raw) \
  X(archive_read_support_format_tar) \
  X(archive_write_add_filter_gzip) \
  X(archive_write_add_filter_zstd) \
  X(archive_write_close) \
  X(archive_write_data) \
  X(archive_write_finish_entry) \
  X(archive_write_free) \
  X(archive_write_header) \
  X(archive_write_new) \
  X(archive_write_open) \
  X(archive_write_set_bytes_in_last_block) \
  X(archive_write_set_bytes_per_block) \
  X(archive_write_set_format_pax_restricted) \
  X(archive_write_set_format_raw) \
  X(archive_write_set_options)

struct Libarchive {
#define RAISON_LIBARCHIVE_POINTER(f) decltype(&::f) f;
  RAISON_LIBARCHIVE_FUNCTIONS(RAISON_LIBARCHIVE_POINTER)
#undef RAISON_LIBARCHIVE_POINTER
};

// The table, libarchive loaded at the first call. Throws Error (one line: the library, what it is
// needed for, dlerror's cause) when it cannot be loaded; the next call tries again.
const Libarchive& la();

// Asks reader `a` to undo the compressions raison reads, whatever format follows: gzip, zstd, xz, lzma
// and bzip2 (layers, and the archives `docker save` output is kept in).
void read_compressed(archive* a);

struct ArchiveFree {
  void operator()(archive* a) const { la().archive_read_free(a); }
};
// A read handle from archive_read_new(), freed with the owner.
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// libarchive's message for its last error, never empty.
inline std::string archive_message(archive* a) {
  const char* m = la().archive_error_string(a);
  return m ? m : "unreadable archive";
}

}  // namespace raison
