import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';

const COMMANDS = ['tour', 'fetch', 'serve', 'trace', 'timeline'];

test('--version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = await runCli([flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
    assert.equal(result.stderr, '');
  }
});

test('--help lists every command; every command has --help', async () => {
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: asyncio-ts <command>/);
  for (const name of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
  const results = await Promise.all(COMMANDS.map((name) => runCli([name, '--help'])));
  results.forEach((result, i) => {
    assert.equal(result.code, 0, `${COMMANDS[i]} --help: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`^Usage: asyncio-ts ${COMMANDS[i]}`));
  });
  const viaHelp = await runCli(['help', 'tour']);
  assert.equal(viaHelp.stdout, results[0]!.stdout);
});

test('bad command lines: one line on stderr, nothing on stdout, exit code 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['frobnicate'], /^asyncio-ts: unknown command 'frobnicate' \(commands: tour, fetch/],
    [['--bogus'], /^asyncio-ts: unknown option '--bogus'/],
    [['tour', '--bogus'], /^asyncio-ts tour: unknown option '--bogus' \(see asyncio-ts tour --help\)$/],
    [['tour', '--layout'], /^asyncio-ts tour: option '--layout' needs a value/],
    [
      ['tour', '--layout', 'diagonal'],
      /^asyncio-ts tour: --layout must be side, stacked or auto, received 'diagonal'/,
    ],
    [['tour', 'nosuchprogram'], /^asyncio-ts tour: no program named 'nosuchprogram' \(programs: hello,/],
    [['tour', 'hello', 'extra'], /^asyncio-ts tour: unexpected argument 'extra'/],
    [['tour', '--list=yes'], /^asyncio-ts tour: option '--list' takes no value/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((result, i) => {
    const [args, pattern] = cases[i]!;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', args.join(' '));
    assert.equal(result.stderr.split('\n').length, 2, `one line: ${JSON.stringify(result.stderr)}`);
    assert.match(result.stderr.trimEnd(), pattern);
  });
});
