import os
from . import x as y, z
try:
    import json
except ImportError:
    json = None
