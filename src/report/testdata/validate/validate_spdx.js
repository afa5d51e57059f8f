// Validates SPDX 2.3 JSON against the schema subset transcribed from the published spdx-schema.json.
const fs = require('fs');
const Ajv2019 = require('ajv/dist/2019');
const ajv = new Ajv2019({strict: false, allErrors: true});
const validate = ajv.compile(JSON.parse(fs.readFileSync('spdx-2.3-subset.schema.json')));
let bad = 0;
for (const f of process.argv.slice(2)) {
  const ok = validate(JSON.parse(fs.readFileSync(f)));
  console.log(f, ok ? 'valid' : 'INVALID');
  if (!ok) { bad++; console.log(JSON.stringify(validate.errors.slice(0, 5), null, 1)); }
}
process.exit(bad ? 1 : 0);
