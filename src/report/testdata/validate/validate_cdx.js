// Validates CycloneDX 1.5 JSON files against the schema shipped in @cyclonedx/cyclonedx-library.
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const dir = 'node_modules/@cyclonedx/cyclonedx-library/res/schema/';
const ajv = new Ajv({strict: false, allErrors: true});
addFormats(ajv);
const load = (f, id) => { const s = JSON.parse(fs.readFileSync(dir + f)); s.$id = id; return s; };
ajv.addSchema(load('spdx.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json'));
ajv.addSchema(load('jsf-0.82.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json'));
const validate = ajv.compile(load('bom-1.5.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/bom-1.5.schema.json'));
let bad = 0;
for (const f of process.argv.slice(2)) {
  const ok = validate(JSON.parse(fs.readFileSync(f)));
  console.log(f, ok ? 'valid' : 'INVALID');
  if (!ok) { bad++; console.log(JSON.stringify(validate.errors.slice(0, 5), null, 1)); }
}
process.exit(bad ? 1 : 0);
