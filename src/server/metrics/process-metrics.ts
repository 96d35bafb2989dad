// Process and Node.js metrics under the names prom-client's default collectors use (CPU, memory, open
// file descriptors, start time, event-loop lag, active resources, version), without the dependency.

import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { renderFamily } from './prometheus.js';

/** Samples the process at scrape time; the event-loop monitor runs between `start` and `stop`. */
export interface ProcessMetrics {
  /** Starts sampling event-loop delay. Idempotent. */
  start(): void;
  /** Stops it. Idempotent. */
  stop(): void;
  /** The families, as Prometheus text. Event-loop statistics cover the time since the last render. */
  render(): string;
}

/** Sampling interval of the event-loop monitor; its samples include it, so it is subtracted. */
const RESOLUTION_MS = 10;

const gauge = (name: string, help: string, value: number): string =>
  renderFamily(name, 'gauge', help, [{ labels: {}, value }]);
const counter = (name: string, help: string, value: number): string =>
  renderFamily(name, 'counter', help, [{ labels: {}, value }]);

/** Open file descriptors, where the platform shows them (Linux `/proc`); otherwise null. */
function openFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** Creates the process collector. */
export function createProcessMetrics(): ProcessMetrics {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let running = false;
  const startedAt = Date.now() / 1000 - process.uptime();
  const lag = (nanoseconds: number): number =>
    Number.isFinite(nanoseconds) ? Math.max(0, nanoseconds / 1e9 - RESOLUTION_MS / 1000) : 0;
  return {
    start() {
      if (running) return;
      running = true;
      delay.enable();
    },
    stop() {
      if (!running) return;
      running = false;
      delay.disable();
    },
    render() {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const fds = openFds();
      const resources = new Map<string, number>();
      for (const type of process.getActiveResourcesInfo()) {
        resources.set(type, (resources.get(type) ?? 0) + 1);
      }
      const [major = '0', minor = '0', patch = '0'] = process.versions.node.split('.');
      const sampled = delay.count > 0;
      const loop = (value: number): number => (sampled ? lag(value) : 0);
      const text = [
        counter('process_cpu_user_seconds_total', 'User CPU time, in seconds.', cpu.user / 1e6),
        counter(
          'process_cpu_system_seconds_total',
          'System CPU time, in seconds.',
          cpu.system / 1e6,
        ),
        counter(
          'process_cpu_seconds_total',
          'User and system CPU time, in seconds.',
          (cpu.user + cpu.system) / 1e6,
        ),
        gauge('process_resident_memory_bytes', 'Resident memory size, in bytes.', memory.rss),
        gauge(
          'process_start_time_seconds',
          'Start time of the process, in Unix seconds.',
          startedAt,
        ),
        ...(fds === null ? [] : [gauge('process_open_fds', 'Open file descriptors.', fds)]),
        gauge('nodejs_heap_size_total_bytes', 'V8 heap size, in bytes.', memory.heapTotal),
        gauge('nodejs_heap_size_used_bytes', 'V8 heap used, in bytes.', memory.heapUsed),
        gauge(
          'nodejs_external_memory_bytes',
          'Memory of C++ objects bound to JS, in bytes.',
          memory.external,
        ),
        gauge(
          'nodejs_eventloop_lag_mean_seconds',
          'Mean event-loop delay since the last scrape.',
          loop(delay.mean),
        ),
        gauge(
          'nodejs_eventloop_lag_p50_seconds',
          'Median event-loop delay since the last scrape.',
          loop(delay.percentile(50)),
        ),
        gauge(
          'nodejs_eventloop_lag_p99_seconds',
          '99th percentile event-loop delay since the last scrape.',
          loop(delay.percentile(99)),
        ),
        gauge(
          'nodejs_eventloop_lag_max_seconds',
          'Largest event-loop delay since the last scrape.',
          loop(delay.max),
        ),
        renderFamily(
          'nodejs_active_resources',
          'gauge',
          'Resources keeping the event loop alive (handles, requests, timers), by type.',
          [...resources].map(([type, value]) => ({ labels: { type }, value })),
        ),
        gauge(
          'nodejs_active_resources_total',
          'Resources keeping the event loop alive.',
          [...resources.values()].reduce((a, b) => a + b, 0),
        ),
        renderFamily('nodejs_version_info', 'gauge', 'The Node.js version.', [
          { labels: { version: process.version, major, minor, patch }, value: 1 },
        ]),
      ].join('');
      delay.reset();
      return text;
    },
  };
}
