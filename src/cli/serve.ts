/**
 * `asyncio-ts serve`: placeholder until the module it needs lands.
 * @module
 * @internal
 */
import { CommandError } from './args.js';

export const help = 'Usage: asyncio-ts serve (not available yet)';

export async function run(_argv: string[]): Promise<number> {
  throw new CommandError('serve is not available yet');
}
