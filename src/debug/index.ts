/**
 * `asyncio-ts/debug`: seeing what a program does. The task tree, the diagnostics channel names and message
 * types, and trace reading and timeline rendering (terminal and SVG). The root entry `asyncio-ts` holds
 * none of these (DESIGN §2). Debug mode, tracing and the signal dump themselves are options of `run()`:
 * importing this subpath registers the debug layer with the core, and a run that asks for it loads it.
 * @module
 */
import './layer.js';

export {
  channelNames,
  type TaskCreateMessage,
  type TaskFinishMessage,
  type TaskStartMessage,
  type WaitParkMessage,
  type WaitPoint,
  type WaitSettleMessage,
} from '../core/channels.js';
export {
  formatTaskTree,
  type ScopeNode,
  type TaskNode,
  type TreeNode,
  taskTree,
  type WaitNode,
} from './task-tree.js';
export {
  type FormatTimelineOptions,
  formatTimeline,
  type Timeline,
  type TimelineRow,
  type TimelineSvgOptions,
  type TimelineWait,
  timelineOf,
  timelineSvg,
} from './timeline.js';
export {
  parseTrace,
  readTraceFile,
  type TaskSpanArgs,
  type TraceEvent,
  type WaitSpanArgs,
} from './trace.js';
