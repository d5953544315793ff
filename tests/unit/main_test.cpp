// The unit binary's main: doctest's own, plus a count of the cases that did not run because their
// decorator said so (`* doctest::skip(::geteuid() != 0)` for what needs root). A skip is printed at the
// end as "unit: N skipped: NAME; NAME"; under CI (CI set) it fails the run unless
// tests/optional-tests.txt lists the case ("unit: NAME — REASON"), so nothing is skipped unnoticed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace {

// Every reporter callback, doing nothing; the two below override what they need.
struct NoReport : doctest::IReporter {
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

std::vector<std::string> skipped;   // cases with a skip decorator that did not run
std::set<std::string> selected;     // cases the command line's filters select, decorators ignored

// doctest reports a case left out by a filter (-tc=...) as skipped too: the decorated ones are
// collected here, and kept only if the filters select them (see selected_cases).
struct SkipCounter : NoReport {
  explicit SkipCounter(const doctest::ContextOptions&) {}
  void test_case_skipped(const doctest::TestCaseData& tc) override {
    if (tc.m_skip) skipped.emplace_back(tc.m_name);
  }
};
REGISTER_LISTENER("raison-skip-counter", 1, SkipCounter);

struct ListSelected : NoReport {
  explicit ListSelected(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData& q) override {
    for (unsigned i = 0; i < q.num_data; ++i) selected.insert(q.data[i]->m_name);
  }
};
REGISTER_REPORTER("raison-list-selected", 1, ListSelected);

// Fills `selected`: doctest run again on the same command line in list mode with --no-skip, through
// a reporter that prints nothing (the caller's reporters and output file are left out).
void select_cases(int argc, char** argv) {
  std::vector<const char*> args;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    while (a.starts_with("-")) a.erase(0, 1);
    if (a.starts_with("dt-")) a.erase(0, 3);
    if (!a.starts_with("r=") && !a.starts_with("reporters=") && !a.starts_with("o=") && !a.starts_with("out="))
      args.push_back(argv[i]);
  }
  args.insert(args.end(), {"--no-skip", "--list-test-cases", "--reporters=raison-list-selected"});
  doctest::Context query(static_cast<int>(args.size()), args.data());
  query.run();
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// The unit cases tests/optional-tests.txt allows to be skipped. Its lines: "unit: CASE — REASON" (or
// "MESON_TEST — REASON", not ours); '#' starts a comment. A missing file allows nothing.
std::set<std::string> optional_cases(const std::string& file) {
  std::set<std::string> names;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    line = trim(line.substr(0, line.find('#')));
    if (!line.starts_with("unit:")) continue;
    line = line.substr(5);
    names.insert(trim(line.substr(0, line.find(" \xE2\x80\x94 "))));  // up to " — "
  }
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  int rc = context.run();
  if (context.shouldExit()) return rc;
  if (skipped.empty()) return rc;
  select_cases(argc, argv);
  std::vector<std::string> names;
  for (const auto& n : skipped)
    if (selected.count(n)) names.push_back(n);
  if (names.empty()) return rc;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : "; ") + n;
  std::cout << "unit: " << names.size() << " skipped: " << list << "\n";
  if (std::getenv("CI") != nullptr) {
    const std::string file = std::string(RAISON_SOURCE_ROOT) + "/tests/optional-tests.txt";
    auto allowed = optional_cases(file);
    int unlisted = 0;
    for (const auto& n : names)
      if (!allowed.count(n)) {
        std::cerr << "unit: skipped under CI, and " << file << " does not list it: " << n << "\n";
        ++unlisted;
      }
    if (unlisted > 0) return 1;
  }
  return rc;
}
