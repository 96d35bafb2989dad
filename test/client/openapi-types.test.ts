// The OpenAPI document as real tools read it: Redocly lints it clean (with and without a token), and
// openapi-typescript generates, from the document served today, exactly the committed client types,
// which type-check under `tsc --strict` together with the proof that they match the runtime's types.

import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OPENAPI_PARTS_DIR,
  renderOpenApiTypes,
  servedDocument,
} from '../../scripts/openapi-types.js';
import { ROOT, runCommand, typecheckStrict } from '../e2e/support/cli-process.js';

const BIN = join(ROOT, 'node_modules', '.bin');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-openapi-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the OpenAPI document', () => {
  it('passes Redocly lint (recommended-strict: no error, no warning) with and without a token', async () => {
    for (const token of [undefined, 'lint-token']) {
      const file = join(dir, `openapi-${token ?? 'open'}.json`);
      await writeFile(file, JSON.stringify(await servedDocument(token)));
      const lint = await runCommand(join(BIN, 'redocly'), ['lint', file, '--format=json'], {});
      const report = JSON.parse(lint.stdout) as {
        totals: { errors: number; warnings: number };
        problems: { message: string }[];
      };
      expect(report.problems.map((p) => p.message)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(lint.code).toBe(0);
    }
  }, 60_000);

  it('generates, with openapi-typescript, exactly the committed client types (npm run docs)', async () => {
    const generated = await renderOpenApiTypes();
    for (const [file, text] of generated) expect(await readFile(new URL(file), 'utf8')).toBe(text);
    const committed = (await readdir(OPENAPI_PARTS_DIR)).map(
      (name) => new URL(name, OPENAPI_PARTS_DIR).href,
    );
    expect(committed.filter((file) => !generated.has(file))).toEqual([]);
  });

  it('generates no file over 250 lines (the house ceiling)', async () => {
    const lengths = [...(await renderOpenApiTypes()).values()].map((t) => t.split('\n').length);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(250);
  });

  it('generates types that compile under tsc --strict and match the runtime types', async () => {
    const parts = (await readdir(OPENAPI_PARTS_DIR)).map((name) =>
      fileURLToPath(new URL(name, OPENAPI_PARTS_DIR)),
    );
    const tsc = await typecheckStrict(
      ['src/client/openapi-types.ts', ...parts, 'test/client/openapi-types-check.ts'],
      ROOT,
      ['--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess'],
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, 60_000);
});
