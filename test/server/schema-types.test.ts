import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, schemaTypes } from '../../server/tools/schema-types.js';

describe('server/src/db/schema.ts', () => {
  it('matches the migrations (run `npm run db-types` after changing them)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaTypes());
  });
});
