// read_cyclonedx.js FILE: a consumer of raison's CycloneDX output. The CycloneDX JavaScript library's
// strict JSON validator (its own copy of the 1.5 schema, through ajv) must accept the document, and
// packageurl-js must parse every purl back to the type, name and version the component states.
// Prints "TYPE NAME VERSION" for each package component, sorted; exits 1 on any problem.
const fs = require('fs');
const CDX = require('@cyclonedx/cyclonedx-library');
const { PackageURL } = require('packageurl-js');

(async () => {
  const text = fs.readFileSync(process.argv[2], 'utf8');
  const error = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5).validate(text);
  if (error !== null) {
    console.error('invalid CycloneDX 1.5:', JSON.stringify(error).slice(0, 2000));
    process.exit(1);
  }
  const bom = JSON.parse(text);
  const out = [];
  for (const c of bom.components) {
    if (!c.purl) continue;
    const p = PackageURL.fromString(c.purl);
    // purl-spec normalises pypi names (lowercase, '-'); the component keeps the distribution's spelling.
    const name = p.type === 'pypi' ? c.name.toLowerCase().replace(/[-_.]+/g, '-') : c.name;
    if (p.name !== name || p.version !== c.version) {
      console.error(`purl ${c.purl} says ${p.name} ${p.version}, the component ${c.name} ${c.version}`);
      process.exit(1);
    }
    out.push(`${p.type} ${p.name} ${p.version}`);
  }
  console.log(out.sort().join('\n'));
})().catch((e) => { console.error(e); process.exit(1); });
