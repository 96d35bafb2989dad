// Minimal Prometheus primitives (counter, gauge snapshot, histogram) and the text exposition format.

/** Label values by label name. */
export type Labels = Readonly<Record<string, string>>;

const escapeLabel = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function num(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  return Number.isFinite(value) ? String(value) : 'NaN';
}

/** Renders one metric family: `# HELP`, `# TYPE` and its samples. */
export function renderFamily(
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: readonly { readonly suffix?: string; readonly labels: Labels; readonly value: number }[],
): string {
  const lines = [`# HELP ${name} ${help.replace(/\n/g, ' ')}`, `# TYPE ${name} ${type}`];
  for (const s of samples)
    lines.push(`${name}${s.suffix ?? ''}${labelText(s.labels)} ${num(s.value)}`);
  return `${lines.join('\n')}\n`;
}

/** A counter with one label dimension. */
export interface Counter {
  inc(label: string, by?: number): void;
  render(): string;
}

/** Creates a counter; `labelName` names its one label, `initial` lists values shown at 0. */
export function createCounter(
  name: string,
  help: string,
  labelName: string,
  initial: readonly string[] = [],
): Counter {
  const values = new Map<string, number>(initial.map((v) => [v, 0]));
  return {
    inc(label, by = 1) {
      values.set(label, (values.get(label) ?? 0) + by);
    },
    render: () =>
      renderFamily(
        name,
        'counter',
        help,
        [...values].map(([label, value]) => ({ labels: { [labelName]: label }, value })),
      ),
  };
}

/** A histogram with fixed buckets (upper bounds in seconds). */
export interface Histogram {
  observe(value: number): void;
  render(): string;
}

/** Creates a histogram. */
export function createHistogram(name: string, help: string, buckets: readonly number[]): Histogram {
  const bounds = [...buckets].sort((a, b) => a - b);
  const counts = bounds.map(() => 0);
  let count = 0;
  let sum = 0;
  return {
    observe(value) {
      if (!Number.isFinite(value) || value < 0) return;
      count += 1;
      sum += value;
      for (let i = 0; i < bounds.length; i += 1) {
        if (value <= (bounds[i] as number)) counts[i] = (counts[i] as number) + 1;
      }
    },
    render: () =>
      renderFamily(name, 'histogram', help, [
        ...bounds.map((le, i) => ({
          suffix: '_bucket',
          labels: { le: num(le) },
          value: counts[i] as number,
        })),
        { suffix: '_bucket', labels: { le: '+Inf' }, value: count },
        { suffix: '_sum', labels: {}, value: sum },
        { suffix: '_count', labels: {}, value: count },
      ]),
  };
}
