// Parsing of rules documents, glob matching, and nsswitch.conf reading.
#include "analyzers/rules/rules.hpp"

#include <nlohmann/json.hpp>

#include "raison/error.hpp"
#include "util/text.hpp"

namespace raison::rules {

extern const char* const kDefaultRulesJson;  // generated from default_rules.json

std::optional<Priority> priority_from_string(std::string_view s) {
  if (s == "required") return Priority::Required;
  if (s == "recommended") return Priority::Recommended;
  if (s == "suggested") return Priority::Suggested;
  return std::nullopt;
}

namespace {

std::vector<std::string> strings(const nlohmann::json& rule, const char* key) {
  std::vector<std::string> out;
  if (!rule.contains(key)) return out;
  const auto& v = rule.at(key);
  if (!v.is_array()) throw Error(std::string("\"") + key + "\" must be a list of strings");
  for (const auto& s : v) {
    if (!s.is_string()) throw Error(std::string("\"") + key + "\" must be a list of strings");
    std::string str = s.get<std::string>();
    if (str.empty() || (str[0] != '/' && str.rfind("**/", 0) != 0)) {
      if (std::string_view(key) != "dlopen") throw Error(std::string("\"") + key + "\": \"" + str + "\" is not an absolute path");
    }
    out.push_back(std::move(str));
  }
  return out;
}

}  // namespace

std::vector<Rule> parse_rules(std::string_view text, const std::string& source) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw Error("not valid JSON");
  const bool schema = doc.is_object() && doc.contains("schema") && doc["schema"].is_string() &&
                      doc["schema"].get<std::string>() == "raison-rules/1";
  if (!schema || !doc.contains("rules") || !doc["rules"].is_array())
    throw Error("not a raison rules file (needs \"schema\": \"raison-rules/1\" and a \"rules\" list)");
  std::vector<Rule> out;
  for (const auto& r : doc["rules"]) {
    Rule rule;
    try {
      if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) throw Error("a rule needs a \"name\"");
      rule.name = r["name"].get<std::string>();
      rule.doc = r.value("doc", "");
      rule.when = strings(r, "when");
      rule.keep = strings(r, "keep");
      rule.directories = strings(r, "directories");
      rule.dlopen = strings(r, "dlopen");
      rule.nsswitch = r.value("nsswitch", "");
      rule.gconv = r.value("gconv", false);
      rule.entry = r.value("entry", false);
      auto p = priority_from_string(r.value("priority", "required"));
      if (!p) throw Error("\"priority\" must be required, recommended or suggested");
      rule.priority = *p;
      rule.source = source;
      rule.output = r.value("output", false);
      if (rule.when.empty() && !rule.output) throw Error("a rule needs a \"when\" list (or \"output\": true)");
    } catch (const nlohmann::json::exception& e) {
      throw Error("rule " + rule.name + ": " + e.what());
    } catch (const Error& e) {
      throw e.context("rule " + (rule.name.empty() ? std::to_string(out.size() + 1) : rule.name));
    }
    out.push_back(std::move(rule));
  }
  return out;
}

std::vector<Rule> builtin_rules() { return parse_rules(kDefaultRulesJson, "built-in"); }

std::vector<std::string> nss_services(std::string_view conf) {
  std::vector<std::string> out;
  for (const std::string& whole : split_lines(conf)) {
    std::string_view line = whole;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view rest = line.substr(colon + 1);
    size_t k = 0;
    while (k < rest.size()) {
      while (k < rest.size() && (rest[k] == ' ' || rest[k] == '\t')) ++k;
      if (k >= rest.size()) break;
      if (rest[k] == '[') {  // an action such as [NOTFOUND=return]
        size_t close = rest.find(']', k);
        k = close == std::string_view::npos ? rest.size() : close + 1;
        continue;
      }
      size_t end = k;
      while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t' && rest[end] != '[') ++end;
      std::string name(rest.substr(k, end - k));
      k = end;
      bool seen = false;
      for (const auto& s : out) seen |= s == name;
      if (!seen) out.push_back(name);
    }
  }
  return out;
}

}  // namespace raison::rules
