/**
 * Registers the debug layer with the core (see src/core/debug-hooks.ts): importing `asyncio-ts/debug`, or
 * a run that asks for debug mode, tracing, the signal dump or a deadlock report, loads this module.
 * @module
 * @internal
 */
import { registerDebugLayer } from '../core/debug-hooks.js';
import { attachRunSession } from './session.js';
import { formatRunTree } from './task-tree.js';

registerDebugLayer({ attachRun: attachRunSession, formatRunTree });
