/**
 * The default order of `PriorityQueue`: Python's comparison of numbers, strings and tuples, for JavaScript
 * values, so that `[priority, item]` entries work as they do with asyncio.PriorityQueue.
 * @module
 * @internal
 */

// Kinds in the order they sort relative to each other (Python would raise a TypeError instead).
const NUMBER = 0; // numbers, bigints and booleans (Python's bool is an int)
const STRING = 1;
const DATE = 2;
const ARRAY = 3;
const OTHER = 4; // objects, null, undefined, symbols, functions: all tie, so insertion order decides

function kindOf(value: unknown): number {
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return NUMBER;
    case 'string':
      return STRING;
    case 'object':
      if (Array.isArray(value)) return ARRAY;
      if (value instanceof Date) return DATE;
      return OTHER;
    default:
      return OTHER;
  }
}

/** Compares two numbers (or bigints/booleans); NaN sorts after every number and ties with NaN. */
function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aIsNaN = Number.isNaN(a);
  const bIsNaN = Number.isNaN(b);
  if (aIsNaN === bIsNaN) return 0; // equal, or both NaN
  return aIsNaN ? 1 : -1;
}

/**
 * Orders numbers (and bigints, booleans) numerically, strings by UTF-16 code units, dates by time, and arrays
 * lexicographically element by element (a shorter prefix first), as Python orders numbers, strings and
 * tuples. Values of different kinds order by kind (numbers < strings < dates < arrays < everything else);
 * any other values (plain objects, null, undefined…) tie, so the queue keeps them in insertion order.
 * @internal
 */
export function naturalCompare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  const kind = kindOf(a);
  const otherKind = kindOf(b);
  if (kind !== otherKind) return kind < otherKind ? -1 : 1;
  switch (kind) {
    case NUMBER:
      return compareNumbers(a as number | bigint, b as number | bigint); // `<` coerces booleans
    case STRING:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case DATE:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case ARRAY: {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      const shared = Math.min(x.length, y.length);
      for (let i = 0; i < shared; i++) {
        const order = naturalCompare(x[i], y[i]);
        if (order !== 0) return order;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    default:
      return 0;
  }
}
