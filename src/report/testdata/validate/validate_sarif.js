// Validates SARIF files against the SARIF 2.1.0 schema (the copy shipped in npm's
// @microsoft/jest-sarif: sarif-2.1.0-rtm.5, JSON Schema draft-04, the version GitHub code scanning
// documents) and against what GitHub's upload additionally requires of each result: a ruleId
// that names a rule of the driver, a message text, and at least one physical location whose
// artifact URI is relative (no scheme, no leading '/'); rules with a numeric security-severity.
//   NODE_PATH=DIR/node_modules node validate_sarif.js FILE...
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv-draft-04');
const schemaPath = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')),
                             'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaPath));
// unicodeRegExp: false — the schema's pattern for "language" is not a valid /u regular expression.
const ajv = new Ajv({strict: false, allErrors: true, unicodeRegExp: false});
require('ajv-formats')(ajv);
const validate = ajv.compile(schema);

function githubProblems(doc) {
  const out = [];
  (doc.runs || []).forEach((run, r) => {
    const driver = (run.tool || {}).driver || {};
    const rules = driver.rules || [];
    const ids = new Set(rules.map((x) => x.id));
    rules.forEach((rule, i) => {
      const s = (rule.properties || {})['security-severity'];
      if (s !== undefined && !(typeof s === 'string' && /^\d+(\.\d+)?$/.test(s) && +s <= 10))
        out.push(`runs[${r}].tool.driver.rules[${i}]: security-severity ${JSON.stringify(s)} is not a number 0-10`);
    });
    (run.results || []).forEach((res, i) => {
      const where = `runs[${r}].results[${i}]`;
      if (!res.ruleId || !ids.has(res.ruleId)) out.push(`${where}: ruleId ${res.ruleId} names no rule`);
      if (res.ruleIndex !== undefined && (rules[res.ruleIndex] || {}).id !== res.ruleId)
        out.push(`${where}: ruleIndex ${res.ruleIndex} is not rule ${res.ruleId}`);
      if (!res.message || !res.message.text) out.push(`${where}: no message.text`);
      const locs = res.locations || [];
      if (locs.length === 0) out.push(`${where}: no locations`);
      locs.forEach((l, j) => {
        const uri = (((l.physicalLocation || {}).artifactLocation) || {}).uri;
        if (!uri) out.push(`${where}.locations[${j}]: no physicalLocation.artifactLocation.uri`);
        else if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/'))
          out.push(`${where}.locations[${j}]: uri ${uri} is not a relative path`);
      });
    });
  });
  return out;
}

let bad = 0;
for (const f of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(f));
  const ok = validate(doc);
  const gh = githubProblems(doc);
  console.log(f, ok && gh.length === 0 ? 'valid' : 'INVALID');
  if (!ok) console.log(JSON.stringify(validate.errors.slice(0, 10), null, 1));
  gh.slice(0, 10).forEach((p) => console.log(p));
  if (!ok || gh.length) bad++;
}
process.exit(bad ? 1 : 0);
