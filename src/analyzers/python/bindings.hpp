// The string literals a plain name may hold where an import call uses it: a name assigned a str
// literal, or the variable of a for loop over a tuple or list display of str literals, in the same
// scope (a function body, a class body or the module). Internal to the scanner.
#pragma once

#include <compare>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzers/python/source.hpp"

namespace raison::python {

// A place in the file: a logical line and a token in it. Bindings reach the uses that come after them.
struct Pos {
  size_t line = 0;
  size_t token = 0;
  auto operator<=>(const Pos&) const = default;
};

struct Binding {
  Pos pos;                          // where the name holds the value: after the assigned expression,
                                    // at the ':' of a for header
  std::vector<std::string> values;  // one for an assignment, each element of the display for a loop
  std::string evidence;             // `mod = "x" at line 3`, `for mod in ("a", "b") at line 5`
  bool display = false;             // the name holds the display itself (`mods = ("a", "b")`), whose
                                    // values a for loop over the name takes
  std::string loop_over;            // `for mod in mods:`: the values are those of the displays bound to
                                    // `mods` before the loop, found when looked up
};

// A for loop may also go over a name bound, in the same scope, to such a display
// (`untested = ("encodings",)` then `for name in untested:`).
//
// Conservative on purpose: a single binding of the name in the scope that is not one of those
// literals (any other assignment, augmented assignment, a parameter, import, def, class, the target
// of with/except/case/del, global, nonlocal, :=) and the name is followed nowhere in that scope.
// Branches are not told apart: every literal bound before the use may reach it (`if c: m = "a"` /
// `else: m = "b"` gives both), which keeps more files, never fewer. Names bound in a comprehension
// are the comprehension's own (the scanner looks those up in the expression), not the scope's.
class Bindings {
 public:
  // Records what the simple statement `s` binds in `scope`; `at` is the position of s[0].
  void statement(int scope, Toks s, Pos at);
  // Records what a compound statement's header binds: t[kw] is its keyword, t[colon] its ':', `at`
  // the position of t[0]. A for target, with/except/case targets, a def's or a class's name bind in
  // `scope`; a def's parameters bind in `inner`, the scope of its body.
  void header(int scope, int inner, Toks t, size_t kw, size_t colon, Pos at);
  // The bindings of `name` to str literals in `scope` made before `at`, loops over a name resolved;
  // none when the scope binds the name anywhere to something else.
  std::vector<Binding> reaching(int scope, std::string_view name, Pos at) const;

 private:
  struct Name {
    bool other = false;  // bound to something that is not a literal somewhere in the scope
    std::vector<Binding> literals;
  };
  void literal(int scope, std::string_view name, Binding b);
  void other(int scope, std::string_view name);
  void other_names(int scope, Toks targets);
  void target_names(int scope, Toks targets);  // each name in an assignment target
  void walrus_and_as(int scope, Toks t);

  std::map<std::pair<int, std::string>, Name> names_;
};

}  // namespace raison::python
