// execa: execa('/bin/true') with its defaults from 16 workers.
import { execa } from 'execa';
import { main, measure } from '../../lib/bench-kit.mjs';
import { MEASURE, N, PROGRAM, pool } from './_work.mjs';

await main(async () => {
  let ok = true;
  const m = await measure(async () => {
    ok = (await pool(async () => (await execa(PROGRAM)).exitCode === 0)) && ok;
  }, MEASURE);
  return { value: m.median, ok, info: { processes: N, cpuMs: m.cpuMs } };
});
