// validate.js — checks SARIF logs against the published SARIF 2.1.0 JSON schema (the 2.1.0-rtm.5
// schema, draft-04, as shipped in @microsoft/jest-sarif); prints one line per file, exits 1 when
// any file is not valid JSON or not valid SARIF.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const schemaPath = path.join(__dirname, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
delete schema.id; // its id names a network location; nothing is fetched, so it only confuses ajv
// unicodeRegExp off: the schema's pattern for 'language' has a stray ']' that only a non-unicode
// regular expression accepts (as a literal), as the schema's authors' validators did
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let bad = 0;
for (const file of process.argv.slice(2)) {
  let log;
  try {
    log = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`${file}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (validate(log)) {
    console.log(`${file}: valid SARIF 2.1.0`);
  } else {
    bad++;
    for (const err of validate.errors.slice(0, 10))
      console.log(`${file}: ${err.instancePath || '/'} ${err.message}`);
  }
}
process.exit(bad ? 1 : 0);
