// asyncio-ts inside run(): the same requests made by 64 tasks of a taskGroup (so every wait is parked in a
// task's cancel scope, as in an application built on the library).
import { run, taskGroup } from 'asyncio-ts';
import { ClientSession } from 'asyncio-ts/http';
import { main, measure } from '../../lib/bench-kit.mjs';
import { CONCURRENCY, EXPECTED_BODY, infoOf, MEASURE, N, perSecond, startServer } from './_work.mjs';

const server = await startServer();
const session = new ClientSession();
const url = `${server.url}/`;
await main(async () => {
  const state = { ok: true };
  try {
    const m = await measure(
      () =>
        run(async () => {
          let next = 0;
          let good = 0;
          const t0 = performance.now();
          await taskGroup(async (tg) => {
            for (let w = 0; w < CONCURRENCY; w++) {
              tg.createTask(async () => {
                while (next < N) {
                  next++;
                  const res = await session.get(url);
                  if (res.status === 200 && (await res.text()) === EXPECTED_BODY) good++;
                }
              });
            }
          });
          const ms = performance.now() - t0;
          if (good !== N) state.ok = false;
          return ms;
        }),
      MEASURE,
    );
    return { value: perSecond(m.median), ok: state.ok, info: infoOf(m) };
  } finally {
    await session.close();
    await server.close();
  }
});
