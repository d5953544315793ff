# Fixture: json encode/decode (the C accelerator _json and the pure-Python fallbacks).
import json
from collections import OrderedDict
from decimal import Decimal

doc = {"name": "raison", "sizes": [1, 2.5, None, True], "nested": {"b": "é", "a": [{}, []]}}
text = json.dumps(doc, sort_keys=True, ensure_ascii=True)
print(text)
back = json.loads(text, object_pairs_hook=OrderedDict, parse_float=Decimal)
print(list(back), back["sizes"][1], type(back["sizes"][1]).__name__)
print(json.dumps(back, indent=2, default=str).count("\n"))
try:
    json.loads("{bad")
except json.JSONDecodeError as e:
    print("error at", e.lineno, e.colno)
