/**
 * A real redis-server for tests: started on a free 127.0.0.1 port with no persistence, restartable on the
 * same port, and stopped (exactly the process started). Without the binary the tests skip with one line,
 * except under CI (process.env.CI), where its absence fails the run.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';

const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
/** Why the Redis tests skip, or false when redis-server is there. */
export const redisSkip: string | false =
  found.status === 0 ? false : 'redis-server is not installed (apt-get install redis-server)';

/** Under CI a missing redis-server is a failure, not a skip. Call once per test file. */
export function requireRedisInCi(): void {
  if (redisSkip !== false && process.env.CI) {
    test('redis-server is available (required in CI)', () => assert.fail(redisSkip as string));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  port = 0;
  private child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onExit = (code: number | null) => reject(new Error(`redis-server exited (${code}): ${out}`));
      child.once('exit', onExit);
      child.stdout?.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Ready to accept connections')) {
          child.off('exit', onExit);
          resolve();
        }
      });
    });
    child.stdout?.resume();
    child.stderr?.resume();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** Rejects if `promise` has not settled within `ms` (a safety net against a hang, not a speed check). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A child process running test/redis/fixtures/worker.ts with `args`; lines of its stdout are collected. */
export interface Worker {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line that starts with `prefix`. */
  line(prefix: string): Promise<string>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

export function startWorker(args: string[]): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('../redis/fixtures/worker.ts', import.meta.url).pathname, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  const lines: string[] = [];
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiting.filter((w) => line.startsWith(w.prefix))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    lines,
    exited,
    line(prefix) {
      const seen = lines.find((l) => l.startsWith(prefix));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.push({ prefix, resolve }));
    },
  };
}
