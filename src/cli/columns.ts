/**
 * Two blocks of text side by side (the seed's Python beside the TypeScript twin), or one under the other
 * when the terminal is too narrow to show both without cutting lines.
 * @module
 * @internal
 */
import { stripAnsi } from './style.js';

/** A titled block of lines. */
export interface Block {
  title: string;
  lines: readonly string[];
}

const GAP = ' │ ';

function width(text: string): number {
  return stripAnsi(text).length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

/** The width two blocks need side by side. */
export function sideBySideWidth(left: Block, right: Block, indent: number): number {
  const w = (b: Block): number => Math.max(width(b.title), ...b.lines.map(width));
  return indent + w(left) + GAP.length + w(right);
}

/** `left` and `right` in two columns, each line indented by `indent` spaces. */
export function sideBySide(left: Block, right: Block, indent: number, dim: (s: string) => string): string[] {
  const leftWidth = Math.max(width(left.title), ...left.lines.map(width));
  const rows = Math.max(left.lines.length, right.lines.length);
  const prefix = ' '.repeat(indent);
  const out = [`${prefix}${pad(left.title, leftWidth)}${dim(GAP)}${right.title}`];
  for (let i = 0; i < rows; i++) {
    out.push(`${prefix}${pad(left.lines[i] ?? '', leftWidth)}${dim(GAP)}${right.lines[i] ?? ''}`.trimEnd());
  }
  return out;
}

/** `first` then `second`, each under its title, lines indented by `indent` + 2 spaces. */
export function stacked(first: Block, second: Block, indent: number): string[] {
  const prefix = ' '.repeat(indent);
  const body = (b: Block): string[] => b.lines.map((line) => `${prefix}  ${line}`.trimEnd());
  return [`${prefix}${first.title}`, ...body(first), '', `${prefix}${second.title}`, ...body(second)];
}
