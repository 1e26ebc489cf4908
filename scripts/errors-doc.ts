// Writes the tables of docs/errors.md from src/core/error-table.ts (`--write`), or checks them (default).
// Run: node --import tsx scripts/errors-doc.ts [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { renderErrorTables } from '../src/core/error-table.js';

const path = new URL('../docs/errors.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const pattern = /(<!-- errors-table:start -->\n)[\s\S]*?(\n<!-- errors-table:end -->)/;
if (!pattern.test(doc)) throw new Error('docs/errors.md has no errors-table markers');
const next = doc.replace(
  pattern,
  (_, open: string, close: string) => `${open}${renderErrorTables()}${close}`,
);
if (process.argv.includes('--write')) writeFileSync(path, next);
else if (next !== doc) {
  console.error('docs/errors.md is stale: run node --import tsx scripts/errors-doc.ts --write');
  process.exit(1);
}
