/**
 * Terminal styling for the CLI: ANSI colours only on a terminal, and never when `NO_COLOR` is set or
 * `TERM=dumb` (no-color.org). Node's own `util.styleText` would do, but on Node 20 it ignores both.
 * @module
 * @internal
 */

/** Whether `stream` should get colours. */
export function colorsFor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

/** A set of styling functions that are identities when colours are off. */
export interface Style {
  readonly on: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

function sgr(on: boolean, open: number, close: number): (text: string) => string {
  return on ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/** Styling for `stream` (stdout by default). */
export function styleFor(stream: NodeJS.WriteStream = process.stdout): Style {
  const on = colorsFor(stream);
  return {
    on,
    bold: sgr(on, 1, 22),
    dim: sgr(on, 2, 22),
    red: sgr(on, 31, 39),
    green: sgr(on, 32, 39),
    yellow: sgr(on, 33, 39),
    cyan: sgr(on, 36, 39),
  };
}

/** The text without ANSI escape sequences (for measuring and for tests). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
