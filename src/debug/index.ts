/**
 * `asyncio-ts/debug`: seeing what a program does. The task tree, the diagnostics channel names and message
 * types, and trace reading and timeline rendering (terminal and SVG). The same names are exported by
 * `asyncio-ts`; this subpath lets a tool (the CLI's `timeline`) load them alone. Debug mode, tracing and
 * the signal dump themselves are options of `run()`.
 * @module
 */
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
