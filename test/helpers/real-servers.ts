/**
 * Real HTTP servers for interop tests, started on free 127.0.0.1 ports by the test run and stopped by it:
 * Debian's python3-httpbin served by gunicorn, and nginx with a generated configuration in a temporary
 * directory under the repository's `.tmp/` (files to serve, a `Retry-After` route, an access log). When a
 * binary is missing, `start*` resolves to a one-line reason instead (the suite skips; with `CI` set, fails).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RealServer {
  readonly url: string;
  /** nginx only: the directory served, the access log. */
  readonly dir: string;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A port nothing listens on right now (nginx cannot be told port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function accepting(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

/** Waits until `port` accepts connections or `child` exits; bounded. */
async function waitUntilUp(
  child: ChildProcess,
  port: number,
  what: string,
  log: () => string,
): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 300; i++) {
    if (exited) throw new Error(`${what} exited at start-up: ${log().slice(-500)}`);
    if (await accepting(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within 15 s: ${log().slice(-500)}`);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** httpbin on gunicorn (threaded worker: `/delay` and `/drip` do not block other requests). */
export async function startHttpbin(): Promise<RealServer | string> {
  if (!has('gunicorn')) return 'gunicorn is not installed (apt-get install gunicorn python3-httpbin)';
  const check = spawnSync('sh', [
    '-c',
    `"$(head -1 "$(command -v gunicorn)" | sed 's/^#!//')" -c 'import httpbin'`,
  ]);
  if (check.status !== 0)
    return 'python3-httpbin is not installed for gunicorn (apt-get install python3-httpbin)';
  const port = await freePort();
  const child = spawn(
    'gunicorn',
    [
      '-b',
      `127.0.0.1:${port}`,
      '-k',
      'gthread',
      '--threads',
      '16',
      '-w',
      '1',
      '--graceful-timeout',
      '1',
      'httpbin:app',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-4000);
  });
  try {
    await waitUntilUp(child, port, 'gunicorn', () => log);
  } catch (err) {
    await stop(child, 'SIGKILL');
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, dir: '', close: () => stop(child, 'SIGTERM') };
}

/** The 1 MB file nginx serves as `/big.bin`. */
export const BIG_SIZE = 1024 * 1024;

/** nginx serving generated files from a temporary prefix, gzip on, plus `/busy` (503 with Retry-After: 0). */
export async function startNginx(): Promise<RealServer | string> {
  if (!has('nginx')) return 'nginx is not installed (apt-get install nginx)';
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'nginx-'));
  chmodSync(dir, 0o755);
  const www = join(dir, 'www');
  mkdirSync(join(www, 'latin1'), { recursive: true });
  writeFileSync(join(www, 'big.bin'), randomBytes(BIG_SIZE));
  writeFileSync(join(www, 'small.txt'), 'hello from nginx\n'.repeat(8));
  writeFileSync(join(www, 'text.txt'), 'asyncio-ts '.repeat(2000));
  writeFileSync(join(www, 'latin1', 'caf.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  const port = await freePort();
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  const conf = `${user}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  types { text/plain txt; application/octet-stream bin; application/json json; }
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  sendfile on;
  gzip on;
  gzip_types text/plain application/json;
  gzip_min_length 256;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location /latin1/ { charset iso-8859-1; }
    location = /busy { add_header Retry-After 1 always; return 503; }
    location = /moved { return 301 /small.txt; }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-4000);
  });
  try {
    await waitUntilUp(child, port, 'nginx', () => log);
  } catch (err) {
    await stop(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    close: async () => {
      await stop(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
