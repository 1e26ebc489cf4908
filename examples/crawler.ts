// A polite crawler: 200 pages of one site through one ClientSession that never has more than 8 requests in
// flight at the host (limitPerHost), never starts more than 50 a second (rateLimit), retries a 503 with
// backoff (honouring Retry-After), and gives every request 1 s (timeout). Ctrl-C cancels cleanly: run()
// cancels main, every request in flight is aborted, the session closes its connections, and the summary
// still prints. The site is the local test server: some pages answer 503 a few times, a few never answer,
// a few are missing.
import { CancelledError, gather, run } from 'asyncio-ts';
import { ClientSession, ClientTimeoutError } from 'asyncio-ts/http';
import { startTestServer } from 'asyncio-ts/testing';

type Outcome = 'ok' | 'retried' | 'timed out' | 'missing' | 'failed';

await using server = await startTestServer();

/** Page i of the site: every 7th answers 503 twice first, every 50th hangs, every 40th is missing. */
function pageUrl(i: number): string {
  if (i % 50 === 49) return `/delay/30?page=${i}`;
  if (i % 40 === 39) return `/status/404?page=${i}`;
  if (i % 7 === 0) return `/flaky/page-${i}?fails=2&status=503&retryAfter=0`;
  return `/flaky/page-${i}?fails=0`;
}

async function crawl(session: ClientSession, path: string): Promise<Outcome> {
  try {
    await using res = await session.get(path);
    if (res.status === 404) return 'missing';
    if (!res.ok) return 'failed';
    const page = await res.json<{ attempt: number }>();
    return page.attempt > 1 ? 'retried' : 'ok';
  } catch (err) {
    if (err instanceof ClientTimeoutError) return 'timed out';
    throw err;
  }
}

async function main(): Promise<void> {
  const counts = new Map<Outcome, number>();
  const t0 = performance.now();
  let done = 0;
  try {
    await using session = new ClientSession({
      baseUrl: server.url,
      limitPerHost: 8,
      rateLimit: { rate: 50, perMs: 1000 },
      retry: { attempts: 3, statuses: [503], backoff: { baseMs: 100, maxMs: 2000 } },
      timeout: { total: 1000 },
    });
    await gather(
      ...Array.from({ length: 200 }, (_, i) => async () => {
        const outcome = await crawl(session, pageUrl(i));
        counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
        if (++done % 50 === 0) console.log(`${done} pages…`);
      }),
    );
  } finally {
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const summary = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    console.log(`${done} of 200 pages in ${seconds} s: ${summary}`);
    console.log(
      `the server saw ${server.requests} requests, at most ${server.maxInFlight} at once, over ${server.connections} connections`,
    );
  }
}

try {
  await run(main);
} catch (err) {
  // Ctrl-C: run() cancelled main, whose clean-up ran (the summary above); the exit code is already 130.
  if (!(err instanceof CancelledError)) throw err;
  console.log('cancelled by Ctrl-C');
}
