import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { generateOpenApi, openApiText, OPENAPI_FILE } from './openapi';

// UPDATE_OPENAPI=1 rewrites the committed file instead of failing on drift.
test('the committed openapi/openapi.json is what the route schemas generate', async () => {
  const text = openApiText(await generateOpenApi());
  if (process.env.UPDATE_OPENAPI === '1') writeFileSync(OPENAPI_FILE, text);
  assert.ok(existsSync(OPENAPI_FILE), `${OPENAPI_FILE} is missing: run with UPDATE_OPENAPI=1`);
  const committed = readFileSync(OPENAPI_FILE, 'utf8');
  assert.ok(committed === text, `${OPENAPI_FILE} is out of date with the route schemas: run the admin tests with UPDATE_OPENAPI=1 and commit the result`);
});

test('generation is deterministic', async () => {
  assert.equal(openApiText(await generateOpenApi()), openApiText(await generateOpenApi()));
});
