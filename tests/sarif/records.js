// records.js — checks contact records (JSON Lines, `ccflow run --records`) against
// tests/records.schema.json with the pinned ajv; prints one line per bad record (at most 10 a
// file), exits 1 when any line is not JSON or not valid.
// Usage: node records.js SCHEMA FILE.jsonl...
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

let bad = 0;
for (const file of files) {
  let shown = 0;
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line === '') return;
    let record;
    try {
      record = JSON.parse(line);
    } catch (e) {
      bad++;
      if (shown++ < 10) console.log(`${file}:${i + 1}: not JSON: ${e.message}`);
      return;
    }
    if (!validate(record)) {
      bad++;
      const why = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      if (shown++ < 10) console.log(`${file}:${i + 1}: ${record.ContactId}: ${why}`);
    }
  });
}
process.exit(bad ? 1 : 0);
