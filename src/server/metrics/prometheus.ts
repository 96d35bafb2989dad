// Minimal Prometheus primitives (labelled counters and histograms, gauge snapshots) and the text
// exposition format 0.0.4.

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

/** One sample of a family. */
export interface Sample {
  readonly suffix?: string;
  readonly labels: Labels;
  readonly value: number;
}

/** Renders one metric family: `# HELP`, `# TYPE` and its samples. */
export function renderFamily(
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: readonly Sample[],
): string {
  const lines = [`# HELP ${name} ${help.replace(/\n/g, ' ')}`, `# TYPE ${name} ${type}`];
  for (const s of samples)
    lines.push(`${name}${s.suffix ?? ''}${labelText(s.labels)} ${num(s.value)}`);
  return `${lines.join('\n')}\n`;
}

/** Label sets by a stable key, in insertion order. */
function seriesMap<T>(): { get(labels: Labels, create: () => T): T; entries(): [Labels, T][] } {
  const values = new Map<string, { labels: Labels; value: T }>();
  return {
    get(labels, create) {
      const key = JSON.stringify(labels);
      let entry = values.get(key);
      if (entry === undefined) values.set(key, (entry = { labels, value: create() }));
      return entry.value;
    },
    entries: () => [...values.values()].map((e) => [e.labels, e.value]),
  };
}

/** A counter with one label dimension. */
export interface Counter {
  inc(label: string, by?: number): void;
  render(): string;
}

/** A counter with any number of labels. */
export interface LabelledCounter {
  inc(labels: Labels, by?: number): void;
  render(): string;
}

/** Creates a counter whose samples carry `labels`. */
export function createLabelledCounter(name: string, help: string): LabelledCounter {
  const values = seriesMap<{ n: number }>();
  return {
    inc(labels, by = 1) {
      values.get(labels, () => ({ n: 0 })).n += by;
    },
    render: () =>
      renderFamily(
        name,
        'counter',
        help,
        values.entries().map(([labels, v]) => ({ labels, value: v.n })),
      ),
  };
}

/** Creates a counter; `labelName` names its one label, `initial` lists values shown at 0. */
export function createCounter(
  name: string,
  help: string,
  labelName: string,
  initial: readonly string[] = [],
): Counter {
  const counter = createLabelledCounter(name, help);
  for (const value of initial) counter.inc({ [labelName]: value }, 0);
  return {
    inc: (label, by = 1) => counter.inc({ [labelName]: label }, by),
    render: () => counter.render(),
  };
}

/** A histogram with fixed buckets (upper bounds in seconds), optionally labelled. */
export interface Histogram {
  observe(value: number, labels?: Labels): void;
  render(): string;
}

/** Creates a histogram; an unlabelled one shows its zero state before the first observation. */
export function createHistogram(
  name: string,
  help: string,
  buckets: readonly number[],
  { labelled = false }: { labelled?: boolean } = {},
): Histogram {
  const bounds = [...buckets].sort((a, b) => a - b);
  const series = seriesMap<{ counts: number[]; count: number; sum: number }>();
  const fresh = () => ({ counts: bounds.map(() => 0), count: 0, sum: 0 });
  return {
    observe(value, labels = {}) {
      if (!Number.isFinite(value) || value < 0) return;
      const s = series.get(labels, fresh);
      s.count += 1;
      s.sum += value;
      for (let i = 0; i < bounds.length; i += 1) {
        if (value <= (bounds[i] as number)) s.counts[i] = (s.counts[i] as number) + 1;
      }
    },
    render() {
      const all = series.entries();
      if (all.length === 0 && !labelled) all.push([{}, fresh()]);
      return renderFamily(
        name,
        'histogram',
        help,
        all.flatMap(([labels, s]) => [
          ...bounds.map((le, i) => ({
            suffix: '_bucket',
            labels: { ...labels, le: num(le) },
            value: s.counts[i] as number,
          })),
          { suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: s.count },
          { suffix: '_sum', labels, value: s.sum },
          { suffix: '_count', labels, value: s.count },
        ]),
      );
    },
  };
}
