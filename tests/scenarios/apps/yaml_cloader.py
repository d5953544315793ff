# PyYAML through LibYAML: CSafeLoader and CSafeDumper must exist (the compiled yaml._yaml) and be used.
import yaml

print("libyaml", yaml.__with_libyaml__, yaml.CSafeLoader.__module__)
doc = """
name: demo
items: [1, 2.5, true, null, "x"]
nested: {a: [x, y], b: 2022-01-02}
anchors:
  base: &b {k: 1}
  copy: *b
"""
data = yaml.load(doc, Loader=yaml.CSafeLoader)
print(sorted(data), data["items"], data["nested"]["b"].isoformat(), data["anchors"]["copy"])
out = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False)
print(out, end="")
print("round trip", yaml.load(out, Loader=yaml.CSafeLoader) == data)
events = [type(e).__name__ for e in yaml.parse("[a, b]", Loader=yaml.CSafeLoader)]
print("events", events)
