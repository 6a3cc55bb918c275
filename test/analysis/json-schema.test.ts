import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { analysisJsonSchema } from '../../core/analysis/index';
import { fixtureFiles, loadFixture } from './fixture-util';

// A third-party JSON Schema validator, as other YAML tools would use `hml schema`'s output.
const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(analysisJsonSchema());

test('the examples satisfy the generated JSON Schema', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.hml.yaml'))) {
    const ok = validate(parse(readFileSync(join(dir, f), 'utf8')));
    assert.ok(ok, `${f}: ${JSON.stringify(validate.errors)}`);
  }
});

test('schema-level mistakes are caught by the JSON Schema too', () => {
  for (const name of ['unknown-key', 'wrong-type', 'bad-enum', 'bad-label', 'out-of-range', 'missing-key', 'bad-version', 'bad-length']) {
    const fx = loadFixture(fixtureFiles().find((f) => f === `${name}.hml.yaml`)!);
    assert.equal(validate(parse(fx.text)), false, name);
  }
});
