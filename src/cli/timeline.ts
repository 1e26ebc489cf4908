/**
 * `asyncio-ts timeline`: placeholder until the module it needs lands.
 * @module
 * @internal
 */
import { CommandError } from './args.js';

export const help = 'Usage: asyncio-ts timeline (not available yet)';

export async function run(_argv: string[]): Promise<number> {
  throw new CommandError('timeline is not available yet');
}
