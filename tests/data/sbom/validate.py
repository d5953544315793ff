#!/usr/bin/python3
# validate.py spdx|cyclonedx FILE: checks an SBOM against the official JSON schema kept beside this
# script (SPDX 2.3, CycloneDX 1.5 with the schemas it refers to), with Debian's python3-jsonschema.
# Prints each violation (at most 20) and exits 1 if there is one.
import json, os, sys
import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
kind, path = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(os.path.join(here, name)))
if kind == 'spdx':
    schema, store = load('spdx-2.3.schema.json'), {}
else:
    schema = load('bom-1.5.SNAPSHOT.schema.json')
    store = {'http://cyclonedx.org/schema/' + n: load(n) for n in ('spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json')}
resolver = jsonschema.RefResolver.from_schema(schema, store=store)
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.absolute_path))
for e in errors[:20]:
    print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}", file=sys.stderr)
sys.exit(1 if errors else 0)
