/**
 * `asyncio-ts serve [--port N]`: the local httpbin-like test server (`startTestServer` from
 * `asyncio-ts/testing`) on 127.0.0.1, until Ctrl-C.
 * @module
 * @internal
 */
import { once } from 'node:events';
import { signalStatus } from '../core/exit.js';
import { startTestServer, type TestServer } from '../testing/index.js';
import { CommandError, integerOption, parseCommandLine, UsageError } from './args.js';

export const help = `Usage: asyncio-ts serve [options]

Serves the httpbin-like test server on 127.0.0.1 (never another address) until Ctrl-C (exit status 130;
143 for SIGTERM). The first line printed is its URL. Routes (durations in seconds, as httpbin):
  /get  /anything  /headers  /json  /delay/:s  /status/:code  /flaky/:key?fails=n&status=503
  /bytes/:n  /drip?numbytes=&duration=  /stream/:n  /redirect/:n  /redirect-to?url=
  /gzip  /deflate  /brotli  /gzip-bomb/:n  /close  /hang

Try it with: asyncio-ts fetch <url>/delay/1 <url>/status/503 <url>/bytes/100000

Options:
  -p, --port <n>   the port (default 8080; 0 picks a free one)
  -h, --help       show this help`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { port: { type: 'string', short: 'p' } }, 0);
  if (parsed.values.help === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const port = integerOption(parsed, 'port', 8080, 0);
  if (port > 65535) throw new UsageError(`--port must be <= 65535, received '${port}'`);
  let server: TestServer;
  try {
    server = await startTestServer({ port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new CommandError(`port ${port} is in use (try --port 0 for a free one)`);
    if (code === 'EACCES') throw new CommandError(`no permission to listen on port ${port}`);
    throw err;
  }
  const stop = new AbortController();
  // Listening before the URL is printed: whoever reads it may signal at once.
  const stopped = Promise.race([
    once(process, 'SIGINT', { signal: stop.signal }).then(() => 'SIGINT' as const),
    once(process, 'SIGTERM', { signal: stop.signal }).then(() => 'SIGTERM' as const),
  ]);
  process.stdout.write(`${server.url}\n`);
  process.stdout.write(
    `asyncio-ts test server listening on ${server.url} (127.0.0.1 only). Ctrl-C to stop.\n`,
  );
  const signal = await stopped;
  stop.abort();
  const served = server.requests;
  await server.close();
  process.stdout.write(`stopped by ${signal} after ${served} request${served === 1 ? '' : 's'}\n`);
  // Stopped by a signal, as a shell expects: 130 for SIGINT, 143 for SIGTERM.
  return signalStatus(signal);
}
