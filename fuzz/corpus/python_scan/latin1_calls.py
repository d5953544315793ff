# -*- coding: latin-1 -*-
s = "café"
import importlib
importlib.import_module("xml.dom")
for m in ("a", "b"):
    __import__(m)
args = [sys.executable, "-m", "json.tool"]
