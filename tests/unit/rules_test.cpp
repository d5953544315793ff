// Rules data: the shipped rules parse, globs match as documented, nsswitch.conf is read like glibc.
#include <doctest/doctest.h>

#include "analyzers/rules/rules.hpp"
#include "raison/error.hpp"

using namespace raison;

TEST_CASE("rules: the built-in rules parse and each has a doc") {
  auto rules = rules::builtin_rules();
  CHECK(rules.size() >= 8);
  for (const auto& r : rules) {
    CHECK_MESSAGE(!r.doc.empty(), r.name);
    CHECK(r.source == "built-in");
  }
}

TEST_CASE("rules: malformed rules files name the rule and the cause") {
  CHECK_THROWS_WITH_AS(rules::parse_rules("{", "x"), "not valid JSON", Error);
  CHECK_THROWS_AS(rules::parse_rules(R"({"rules": []})", "x"), Error);
  CHECK_THROWS_WITH_AS(rules::parse_rules(R"({"schema":"raison-rules/1","rules":[{"name":"a","when":["x"]}]})", "x"),
                       "rule a: \"when\": \"x\" is not an absolute path", Error);
  CHECK_THROWS_WITH_AS(
      rules::parse_rules(R"({"schema":"raison-rules/1","rules":[{"name":"b","when":["/x"],"priority":"maybe"}]})", "x"),
      "rule b: \"priority\" must be required, recommended or suggested", Error);
  auto ok = rules::parse_rules(R"({"schema":"raison-rules/1","rules":[{"name":"c","doc":"d","when":["/opt/**/app"],"keep":["/opt/data/**"],"dlopen":["libplug.so"],"priority":"suggested"}]})", "mine.json");
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].dlopen == std::vector<std::string>{"libplug.so"});
  CHECK(ok[0].priority == Priority::Suggested);
  CHECK(ok[0].source == "mine.json");
}

TEST_CASE("glob: * stays in one component, ** spans any number") {
  CHECK(glob_match("/usr/lib/*/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
  CHECK_FALSE(glob_match("/usr/lib/*/libc.so.6", "/usr/lib/a/b/libc.so.6"));
  CHECK(glob_match("**/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
  CHECK(glob_match("**/libc.so.6", "/libc.so.6"));
  CHECK(glob_match("/usr/share/zoneinfo/**", "/usr/share/zoneinfo/Europe/Paris"));
  CHECK(glob_match("**/lib/python3*/ssl.py", "/usr/lib/python3.11/ssl.py"));
  CHECK_FALSE(glob_match("**/lib/python3*/ssl.py", "/usr/lib/python3.11/test/ssl.pyc"));
  CHECK(glob_match("/etc/ssl/certs/*.[0-9]", "/etc/ssl/certs/abcd.0"));
  CHECK_FALSE(glob_match("/etc/*", "/etc/.hidden"));  // like the shell, * does not match a leading dot
}

TEST_CASE("nsswitch: services in order of first use, without actions") {
  const char* conf =
      "# /etc/nsswitch.conf\n"
      "passwd:         files systemd\n"
      "group:          files [SUCCESS=merge] systemd\n"
      "hosts:          files mdns4_minimal [NOTFOUND=return] dns myhostname # comment\n"
      "netgroup:       nis\n";
  CHECK(rules::nss_services(conf) ==
        std::vector<std::string>{"files", "systemd", "mdns4_minimal", "dns", "myhostname", "nis"});
}

TEST_CASE("rules: a document of the wrong shape is a raison::Error, whatever the JSON types") {
  using raison::rules::parse_rules;
  for (const char* doc : {R"({"schema": 1, "rules": []})", R"({"schema": null})", R"([1, 2])", R"("text")",
                          R"({"schema": "raison-rules/1", "rules": {}})",
                          R"({"schema": "raison-rules/1", "rules": [{"name": 3}]})",
                          R"({"schema": "raison-rules/1", "rules": [{"name": "x", "when": "notalist"}]})",
                          R"({"schema": "raison-rules/1", "rules": [{"name": "x", "when": ["/a"], "gconv": "yes"}]})"})
    CHECK_THROWS_AS(parse_rules(doc, "t.json"), raison::Error);
}
