/**
 * Numbers for people: byte sizes, durations and rates as the CLI prints them.
 * @module
 * @internal
 */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** `1536` → `'1.5 kB'` (powers of 1000, as `ls -h --si` and browsers do). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Milliseconds as seconds with two decimals: `1004.2` → `'1.00 s'`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Milliseconds for a log line: `'87 ms'` below a second, `'1.25 s'` above. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatSeconds(ms);
}

/** Bytes per second: `'1.2 MB/s'`. */
export function formatRate(bytes: number, ms: number): string {
  return ms <= 0 ? '–' : `${formatBytes(Math.round((bytes * 1000) / ms))}/s`;
}
