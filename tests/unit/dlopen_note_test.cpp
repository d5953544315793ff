// FDO dlopen metadata notes: the spec's examples, a note gcc puts into a real ELF file read back by
// our ELF reader, and descriptors that break the spec in each way a parser must refuse.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "analyzers/elf/dlopen_note.hpp"
#include "analyzers/elf/elf_file.hpp"
#include "raison/error.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace raison;
using namespace raison::elf;
using namespace std::string_literals;

namespace {

std::string nul(const std::string& json) { return json + '\0'; }

}  // namespace

TEST_CASE("dlopen note: the spec's payload example parses, with the priority it names") {
  auto deps = parse_dlopen_note(nul(R"([
    {
        "soname":      ["libfoo.so.1"],
        "feature":     "foo",
        "description": "Enables the foo feature",
        "priority":    "recommended"
    }
])"));
  REQUIRE(deps.size() == 1);
  CHECK(deps[0].sonames == std::vector<std::string>{"libfoo.so.1"});
  CHECK(deps[0].feature == "foo");
  CHECK(deps[0].description == "Enables the foo feature");
  CHECK(deps[0].priority == Priority::Recommended);
}

TEST_CASE("dlopen note: libsystemd-shared's bpf note (objdump in the spec) with its zero padding") {
  // descsz 0x8e covers the JSON and its NUL; the section pads to 4 bytes with more zeros.
  std::string json =
      R"([{"feature":"bpf","description":"Support firewalling and sandboxing with BPF","priority":"suggested","soname":["libbpf.so.1","libbpf.so.0"]}])";
  CHECK(json.size() + 1 == 0x8e);
  auto deps = parse_dlopen_note(json + "\0\0\0"s);
  REQUIRE(deps.size() == 1);
  CHECK(deps[0].sonames == std::vector<std::string>{"libbpf.so.1", "libbpf.so.0"});  // preferred first
  CHECK(deps[0].priority == Priority::Suggested);
  CHECK(deps[0].feature == "bpf");
}

TEST_CASE("dlopen note: priority defaults to recommended, unknown keys are ignored, several entries") {
  auto deps = parse_dlopen_note(nul(
      R"([{"soname":["liba.so.1"],"x-vendor":{"nested":[1,2,{"k":null}]}},{"soname":["libb.so.2"],"priority":"required"},{"soname":["libc.so.3"],"priority":"suggested"}])"));
  REQUIRE(deps.size() == 3);
  CHECK(deps[0].priority == Priority::Recommended);
  CHECK(deps[0].feature.empty());
  CHECK(deps[1].priority == Priority::Required);
  CHECK(deps[2].priority == Priority::Suggested);
  CHECK(parse_dlopen_note(nul("[]")).empty());
}

TEST_CASE("dlopen note: descriptors that break the spec are errors naming the cause") {
  CHECK_THROWS_WITH_AS(parse_dlopen_note(R"([{"soname":["a.so"]}])"), "descriptor is not NUL-terminated", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"]}])") + "x"),
                       "descriptor has bytes after its NUL terminator", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"]})")), doctest::Contains("not valid JSON"), Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul("")), doctest::Contains("not valid JSON"), Error);
  // The first draft's single object with a string soname is not the current format.
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"({"soname":"libfoo.so.1"})")), "the JSON is not an array of objects",
                       Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":"libfoo.so.1"}])")),
                       "entry 0: \"soname\" must be a non-empty array of strings", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"]},{"soname":[]}])")),
                       "entry 1: \"soname\" must be a non-empty array of strings", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":[7]}])")), "entry 0: \"soname\" must be a string", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":[""]}])")), "entry 0: \"soname\" has an empty name", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"feature":"x"}])")), "entry 0: no \"soname\" (it is mandatory)",
                       Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"],"priority":"optional"}])")),
                       "entry 0: \"priority\" must be required, recommended or suggested, not \"optional\"", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"],"feature":3}])")),
                       "entry 0: \"feature\" must be a string", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"],"description":null}])")),
                       "entry 0: \"description\" must be a string", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"(["a.so"])")), "entry 0: not a JSON object", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a.so"],"soname":["b.so"]}])")),
                       "duplicate key \"soname\"", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(R"([{"soname":["a\u0001.so"]}])")),
                       "entry 0: \"soname\" contains a control character", Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul("[{\"soname\":[\"a\xff.so\"]}]")), doctest::Contains("not valid JSON"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_dlopen_note(nul(std::string(100000, '[') + std::string(100000, ']'))),
                       doctest::Contains("nested deeper"), Error);
}

TEST_CASE("dlopen note: notes gcc embeds in a real program are found by the ELF reader and parsed") {
  raison::test::TempDir t;
  const fs::path& dir = t.dir;
  // As systemd's SD_ELF_NOTE_DLOPEN lays it out: an Elf_Nhdr, "FDO\0", the JSON with its NUL, in an
  // allocated 4-byte-aligned .note.dlopen section (ld puts it in a PT_NOTE segment).
  std::ofstream(dir / "p.c") << R"(#include <stdint.h>
#define NOTE(var, json) \
  __attribute__((used, section(".note.dlopen"))) _Alignas(4) static const struct { \
    struct { uint32_t n_namesz, n_descsz, n_type; } nhdr; char name[4]; _Alignas(4) char desc[sizeof(json)]; \
  } var = { { 4, sizeof(json), 0x407c0c0a }, "FDO", json }
NOTE(n1, "[{\"soname\":[\"libfoo.so.1\",\"libfoo.so.0\"],\"feature\":\"foo\",\"description\":\"Enables foo\",\"priority\":\"suggested\"}]");
NOTE(n2, "[{\"soname\":[\"libbar.so.2\"],\"feature\":\"bar\"}]");
int main(void) { return 0; }
)";
  raison::test::require_tool("/usr/bin/gcc", "gcc");
  raison::test::output_of("/usr/bin/gcc -O2 -o " + (dir / "p").string() + " " + (dir / "p.c").string() + " 2>&1");
  int fd = ::open((dir / "p").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  for (auto kind : {ElfReaderKind::Direct, ElfReaderKind::Lief}) {
    CAPTURE(static_cast<int>(kind));
    auto info = read_elf(fd, static_cast<std::uint64_t>(st.st_size), kind);
    REQUIRE(info);
    auto deps = dlopen_dependencies(info->notes);
    REQUIRE(deps.size() == 2);
    // The linker may place the two notes in either order.
    if (deps[0].sonames.front() != "libfoo.so.1") std::swap(deps[0], deps[1]);
    CHECK(deps[0].sonames == std::vector<std::string>{"libfoo.so.1", "libfoo.so.0"});
    CHECK(deps[0].priority == Priority::Suggested);
    CHECK(deps[0].description == "Enables foo");
    CHECK(deps[1].sonames == std::vector<std::string>{"libbar.so.2"});
    CHECK(deps[1].priority == Priority::Recommended);
  }
  ::close(fd);
  // A broken note is reported with its index among the dlopen notes; others are left alone.
  std::vector<Note> notes = {{"GNU", 3, "x"}, {"FDO", kDlopenNoteType, nul(R"([{"soname":["a.so"]}])")},
                             {"FDO", 0xcafe1a7e, "not json"}, {"FDO", kDlopenNoteType, nul("[{}]")}};
  CHECK_THROWS_WITH_AS(dlopen_dependencies(notes), "dlopen note 1: entry 0: no \"soname\" (it is mandatory)", Error);
}
