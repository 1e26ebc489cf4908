// Type-checks every example in the documentation, and runs the ones that are whole programs:
//   - every ```ts block in a TSDoc comment under src/ (the @example of each public API),
//   - every ```ts block in README.md and docs/*.md.
// Each block is its own module. A block that imports nothing is a fragment: the names it uses from the
// package's entry points (every subpath of package.json "exports") are imported for it, but anything else it
// names must be declared in the block (`declare const session: ClientSession;` says what the context provides).
// A block with an import declaration of its own and no `declare` is a whole program: after type-checking it is
// run with tsx (bounded: RUN_TIMEOUT_MS) and must exit 0. Lines `// name.ts` split a block into files.
//
// Opting out, sparingly, on the line just before the fence (in Markdown or inside the TSDoc comment):
//   <!-- no-check: reason -->   neither checked nor run (pseudo-code, a signature, output)
//   <!-- no-run: reason -->     type-checked, not run (needs the network, waits for Ctrl-C, …)
// A reason is required. Failures name the file and line of the example.
//
//   node scripts/check-doc-examples.mjs            type-check and run
//   node scripts/check-doc-examples.mjs --no-run   type-check only
//   node scripts/check-doc-examples.mjs docs/sync.md src/sync   only these files (or folders)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Per process, so two checks (a test and a developer's run) never share files; removed at the end.
const OUT = join(ROOT, '.tmp', `doc-examples-${process.pid}`);
const RUN_TIMEOUT_MS = 20_000;
const PACKAGE = 'asyncio-ts';

const args = process.argv.slice(2);
const runPrograms = !args.includes('--no-run');
const only = args.filter((a) => !a.startsWith('--')).map((a) => resolve(ROOT, a));

/** @typedef {{ file: string, line: number, code: string, skip?: string, noRun?: string }} Example */

function walk(dir, keep, out = []) {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

const MARKER = /<!--\s*no-(check|run)\s*(?::\s*(.*?))?\s*-->/;
const FENCE_OPEN = /^(\s*)```(ts|typescript)\s*$/;
const FENCE_CLOSE = /^\s*```\s*$/;

/**
 * The ```ts blocks among `lines`; `lineOf(i)` gives the 1-based source line of lines[i]. A marker
 * counts when it is on the last non-blank line before the fence.
 */
function blocksIn(lines, file, lineOf, problems) {
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (open === null) continue;
    const indent = open[1].length;
    let end = i + 1;
    while (end < lines.length && !FENCE_CLOSE.test(lines[end])) end++;
    const code = lines
      .slice(i + 1, end)
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
    const example = { file, line: lineOf(i + 1), code };
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = before >= 0 ? MARKER.exec(lines[before]) : null;
    if (marker !== null) {
      const reason = marker[2]?.trim();
      if (!reason) problems.push(`${file}:${lineOf(before)}: no-${marker[1]} marker needs a reason`);
      if (marker[1] === 'check') example.skip = reason ?? '';
      else example.noRun = reason ?? '';
    }
    out.push(example);
    i = end;
  }
  return out;
}

function markdownExamples(path, problems) {
  const lines = readFileSync(path, 'utf8').split('\n');
  return blocksIn(lines, relative(ROOT, path), (i) => i + 1, problems);
}

function tsdocExamples(path, problems) {
  const text = readFileSync(path, 'utf8');
  const out = [];
  const comment = /\/\*\*[\s\S]*?\*\//g;
  for (let m = comment.exec(text); m !== null; m = comment.exec(text)) {
    const startLine = text.slice(0, m.index).split('\n').length;
    const lines = m[0].split('\n').map((l) => l.replace(/^\s*\/?\*\*?\/? ?/, '').replace(/\s*\*\/$/, ''));
    out.push(...blocksIn(lines, relative(ROOT, path), (i) => startLine + i, problems));
  }
  return out;
}

function collect(problems) {
  // Files named on the command line outside README.md, docs/ and src/ (e.g. the checker's own test fixtures).
  const usual = (o) => o === join(ROOT, 'README.md') || /^(docs|src)\//.test(relative(ROOT, o));
  const extra = only.filter(
    (o) => !usual(o) && /\.(md|ts)$/.test(o) && existsSync(o) && statSync(o).isFile(),
  );
  if (extra.length > 0) {
    return extra.flatMap((p) =>
      p.endsWith('.md') ? markdownExamples(p, problems) : tsdocExamples(p, problems),
    );
  }
  const inScope = (path) => only.length === 0 || only.some((o) => path === o || path.startsWith(`${o}/`));
  const docs = [join(ROOT, 'README.md')];
  if (existsSync(join(ROOT, 'docs'))) {
    docs.push(...walk(join(ROOT, 'docs'), (p) => p.endsWith('.md') && !/\/docs\/(api|site)\//.test(p)));
  }
  const sources = walk(join(ROOT, 'src'), (p) => p.endsWith('.ts'));
  return [
    ...docs.filter(inScope).flatMap((p) => markdownExamples(p, problems)),
    ...sources.filter(inScope).flatMap((p) => tsdocExamples(p, problems)),
  ];
}

/** Entry points of the package (from package.json "exports") mapped to their source files. */
function entryPoints() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const entries = [];
  for (const key of Object.keys(pkg.exports)) {
    if (key === './package.json') continue;
    const specifier = key === '.' ? PACKAGE : `${PACKAGE}/${key.slice(2)}`;
    const source = key === '.' ? join(ROOT, 'src', 'index.ts') : join(ROOT, 'src', key.slice(2), 'index.ts');
    if (existsSync(source)) entries.push({ specifier, source });
  }
  return entries;
}

function compilerOptions() {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  return { ...config.options, noEmit: true, declaration: false, sourceMap: false };
}

/** Value and type names each entry point exports; a name is imported from the first entry that has it. */
function exportedNames(options, entries) {
  const program = ts.createProgram(
    entries.map((e) => e.source),
    options,
  );
  const checker = program.getTypeChecker();
  const owner = new Map();
  for (const { specifier, source } of entries) {
    const file = program.getSourceFile(source);
    const symbol = file && checker.getSymbolAtLocation(file);
    if (!symbol) continue;
    for (const exported of checker.getExportsOfModule(symbol)) {
      if (owner.has(exported.name) || exported.name === 'default') continue;
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const typeOnly = (target.flags & ts.SymbolFlags.Value) === 0;
      owner.set(exported.name, { specifier, typeOnly });
    }
  }
  return owner;
}

/** Names a block binds at its top level (declarations and imports), which a prelude must not import. */
function topLevelNames(code) {
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set();
  let hasImport = false;
  let declares = false;
  const bind = (name) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      hasImport = true;
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) for (const el of bindings.elements) names.add(el.name.text);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      hasImport = true;
      names.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      if (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) declares = true;
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    ) {
      if (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) declares = true;
      names.add(statement.name.text);
    }
  }
  return { names, hasImport, declares };
}

/** Identifiers a block mentions anywhere (a superset of what it uses from outside). */
function mentioned(code) {
  return new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

function slug(example, index) {
  return `${String(index).padStart(3, '0')}-${example.file.replace(/[^A-Za-z0-9]+/g, '_')}-${example.line}`;
}

const FILE_HEADER = /^\/\/ ([\w.-]+\.ts)\s*$/;

/**
 * A block may hold several files, each headed by a `// name.ts` line (e.g. a worker module and the main
 * program that imports it as './name.js'); they are written side by side and the last one is the program.
 */
function parts(code) {
  const lines = code.split('\n');
  const heads = lines.flatMap((l, i) => (FILE_HEADER.test(l) ? [i] : []));
  if (heads.length < 2 || lines.slice(0, heads[0]).some((l) => l.trim() !== '')) {
    return [{ name: 'example.ts', offset: 0, code }];
  }
  return heads.map((start, k) => ({
    name: FILE_HEADER.exec(lines[start])[1],
    offset: start + 1,
    code: lines.slice(start + 1, heads[k + 1] ?? lines.length).join('\n'),
  }));
}

function prepare(examples, owner) {
  rmSync(OUT, { recursive: true, force: true });
  return examples.flatMap((example, index) => {
    const dir = join(OUT, slug(example, index));
    mkdirSync(dir, { recursive: true });
    const files = parts(example.code).map((part) => {
      const { names, hasImport, declares } = topLevelNames(part.code);
      const bySpecifier = new Map();
      for (const name of mentioned(part.code)) {
        const source = owner.get(name);
        if (source === undefined || names.has(name)) continue;
        const { specifier, typeOnly } = source;
        if (!bySpecifier.has(specifier)) bySpecifier.set(specifier, []);
        bySpecifier.get(specifier).push(typeOnly ? `type ${name}` : name);
      }
      const prelude = [...bySpecifier].map(
        ([specifier, list]) => `import { ${list.join(', ')} } from '${specifier}';`,
      );
      // `export {}` keeps every block a module (its own scope, top-level await allowed).
      prelude.push('export {};');
      const path = join(dir, part.name);
      writeFileSync(path, `${prelude.join('\n')}\n${part.code}\n`);
      return {
        ...example,
        path,
        line: example.line + part.offset,
        preludeLines: prelude.length,
        hasImport,
        declares,
      };
    });
    const main = files[files.length - 1];
    // A whole program imports what it uses itself and declares nothing it does not define (a fragment relies
    // on names imported for it, or on `declare const session: ClientSession` standing for its context).
    const program = files.some((x) => x.hasImport) && !files.some((x) => x.declares);
    return files.map((f) => ({ ...f, id: index, program: f === main && program }));
  });
}

function where(prepared, line) {
  return `${prepared.file}:${prepared.line + Math.max(0, line - prepared.preludeLines - 1)}`;
}

function typecheck(prepared, options) {
  const program = ts.createProgram(
    prepared.map((p) => p.path),
    options,
  );
  const byPath = new Map(prepared.map((p) => [resolve(p.path), p]));
  const failed = new Set();
  const messages = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    const example = d.file && byPath.get(resolve(d.file.fileName));
    if (example === undefined) {
      const at = d.file ? `${relative(ROOT, d.file.fileName)}: ` : '';
      messages.push(`${at}TS${d.code}: ${text}`);
      continue;
    }
    failed.add(example.id);
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    messages.push(`${where(example, line + 1)}: TS${d.code}: ${text}`);
  }
  return { failed, messages };
}

function runOne(example) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', example.path], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const timer = setTimeout(() => {
      output += `\n(killed: still running after ${RUN_TIMEOUT_MS / 1000} s)`;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ example, ok: code === 0, code: code ?? signal, output });
    });
  });
}

async function runAll(programs) {
  const results = [];
  let next = 0;
  const workers = Array.from(
    { length: Math.min(programs.length, Math.max(2, availableParallelism())) },
    async () => {
      while (next < programs.length) results.push(await runOne(programs[next++]));
    },
  );
  await Promise.all(workers);
  return results;
}

/** README.md is the npm page too, where a relative link or image points nowhere: every one must be absolute. */
function readmeLinks(problems) {
  if (only.length > 0 && !only.includes(join(ROOT, 'README.md'))) return;
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^(https?:|#|mailto:)/.test(m[1])) {
        problems.push(
          `README.md:${i + 1}: relative link ${m[1]} does not work on the npm page; use an absolute URL`,
        );
      }
    }
  });
}

const problems = [];
readmeLinks(problems);
const examples = collect(problems);
const checked = examples.filter((e) => e.skip === undefined);
const options = compilerOptions();
const owner = exportedNames(options, entryPoints());
const prepared = prepare(checked, owner);
const { failed, messages } = typecheck(prepared, options);
for (const m of [...problems, ...messages]) console.error(m);
const skipped = examples.length - checked.length;
console.log(
  `doc examples: ${examples.length} found, ${checked.length} type-checked, ${checked.length - failed.size} compiled` +
    (skipped > 0 ? `, ${skipped} opted out (no-check)` : ''),
);
let runFailures = 0;
if (runPrograms) {
  const programs = prepared.filter((p) => p.program && p.noRun === undefined && !failed.has(p.id));
  const results = await runAll(programs);
  for (const r of results.filter((x) => !x.ok)) {
    runFailures++;
    const lines = r.output.trim().split('\n');
    const tail = lines
      .filter((l) => !/^\s+at |^Node\.js v|^\s*$/.test(l))
      .slice(-8)
      .join('\n    ');
    console.error(`${r.example.file}:${r.example.line}: the example exited with ${r.code}\n    ${tail}`);
  }
  const noRun = prepared.filter((p) => p.program && p.noRun !== undefined).length;
  console.log(
    `doc programs: ${programs.length} run, ${programs.length - runFailures} exited 0` +
      (noRun > 0 ? `, ${noRun} opted out (no-run)` : ''),
  );
}
rmSync(OUT, { recursive: true, force: true });
if (problems.length > 0 || messages.length > 0 || runFailures > 0) process.exitCode = 1;
