/**
 * Where the time of a piece of tensor code goes, operator by operator: libtorch's autograd profiler (the legacy
 * CPU profiler, as `torch.autograd.profiler.profile()` in PyTorch) records every operator call between start and
 * stop into a Chrome trace; `profile` runs a function under it and summarises the trace — calls, self time (the
 * operator's own time, its nested operators' subtracted) and total time per operator name.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from './binding.ts';

/** One call as the trace records it (microseconds). */
export interface TraceEvent { name: string; ts: number; dur: number; tid: number | string }

export interface OperatorTime {
  name: string;
  calls: number;
  /** Time in the operator itself, nested operator calls excluded (ms). */
  selfMs: number;
  /** Time from entry to exit, nested calls included (ms). */
  totalMs: number;
}

export interface ProfileSummary {
  /** Wall time of the profiled function (ms), profiler overhead included. */
  wallMs: number;
  /** Sum of the self times of all operators (ms): what libtorch itself spent. */
  operatorMs: number;
  /** Every operator name, by self time, largest first. */
  operators: OperatorTime[];
}

/**
 * Self and total time per operator name from trace events: within each thread, an event that starts inside
 * another one's span is nested in it, and its duration is taken out of its parent's self time.
 */
export function summarizeTrace(events: readonly TraceEvent[]): OperatorTime[] {
  const byName = new Map<string, OperatorTime>();
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key = String(event.tid);
    const list = byThread.get(key);
    if (list) list.push(event);
    else byThread.set(key, [event]);
  }
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur); // a parent before the children that start with it
    const stack: { end: number; entry: OperatorTime }[] = [];
    for (const event of list) {
      while (stack.length > 0 && stack[stack.length - 1].end <= event.ts) stack.pop();
      let entry = byName.get(event.name);
      if (entry === undefined) {
        entry = { name: event.name, calls: 0, selfMs: 0, totalMs: 0 };
        byName.set(event.name, entry);
      }
      entry.calls += 1;
      entry.totalMs += event.dur / 1000;
      entry.selfMs += event.dur / 1000;
      if (stack.length > 0) stack[stack.length - 1].entry.selfMs -= event.dur / 1000;
      stack.push({ end: event.ts + event.dur, entry });
    }
  }
  return [...byName.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/**
 * Runs `fn` under the profiler and summarises where its time went. One profile at a time per process.
 * @example const { operators } = profile(() => trainStep()); operators.slice(0, 10)
 * @throws Error when a profile is already being recorded, or what `fn` throws (the profiler is stopped first)
 */
export function profile(fn: () => void): ProfileSummary {
  const dir = mkdtempSync(join(tmpdir(), 'medslip-profile-'));
  const trace = join(dir, 'trace.json');
  try {
    native.profileStart(trace);
    const started = performance.now();
    let wallMs = 0;
    try {
      fn();
    } finally {
      wallMs = performance.now() - started; // before the trace is written
      native.profileStop();
    }
    const events = JSON.parse(readFileSync(trace, 'utf8')) as TraceEvent[];
    const operators = summarizeTrace(events);
    return { wallMs, operatorMs: operators.reduce((sum, o) => sum + o.selfMs, 0), operators };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
