// Human output helpers: tables, progress bars, and how failures map to exit codes.

import { describe, expect, it } from 'vitest';
import { BurrowError } from '../../src/core/errors.js';
import { parseTables } from '../../src/cli/bench-command.js';
import { recordingIo } from '../../src/cli/cli-io.js';
import { ConfigError } from '../../src/cli/config.js';
import { CliError, EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { renderBar, startProgress } from '../../src/cli/progress-bar.js';
import { formatTable } from '../../src/cli/text-table.js';

describe('text output', () => {
  it('pads table columns to the widest cell', () => {
    expect(
      formatTable(
        ['check', 'status'],
        [
          ['node', 'ok'],
          ['better-sqlite3', 'fail'],
        ],
      ),
    ).toBe(
      [
        'check           status',
        '--------------  ------',
        'node            ok',
        'better-sqlite3  fail',
      ].join('\n'),
    );
  });

  it('draws a bar proportional to the work done, clamped at both ends', () => {
    expect(renderBar(0, 4, '', 4)).toBe('[....] 0/4');
    expect(renderBar(2, 4, 'half', 4)).toBe('[##..] 2/4 half');
    expect(renderBar(9, 4, '', 4)).toBe('[####] 9/4');
    expect(renderBar(0, 0, '', 4)).toBe('[####] 0/0');
  });

  it('draws progress only on a terminal, and always prints the summary', () => {
    const quiet = recordingIo(false);
    const bar = startProgress(quiet, 'work', 0);
    bar.update(1, 2);
    bar.finish('done');
    expect(quiet.stderr).toEqual(['done']);
    const tty = recordingIo(true);
    const drawn = startProgress(tty, 'work', 0);
    drawn.update(1, 2);
    drawn.finish();
    expect(tty.stderr).toEqual([`work ${renderBar(1, 2)}`]);
  });

  it('extracts the markdown tables a benchmark prints, titled by the line above', () => {
    const output = [
      'SQLite store: 20 turns',
      '| sync | median |',
      '|---|---|',
      '| full | 827 |',
      '',
      'Group commit',
      '| on | turns/s |',
      '|---|---|',
      '| off | 901 |',
    ].join('\n');
    expect(parseTables(output)).toEqual([
      { title: 'SQLite store: 20 turns', columns: ['sync', 'median'], rows: [['full', '827']] },
      { title: 'Group commit', columns: ['on', 'turns/s'], rows: [['off', '901']] },
    ]);
  });

  it('maps failures to the documented exit codes', () => {
    expect(exitCodeFor(new ConfigError(['x']))).toBe(EXIT.usage);
    expect(exitCodeFor(new BurrowError('validation_failed', 'bad URL'))).toBe(EXIT.usage);
    expect(exitCodeFor(new CliError(EXIT.unreachable, 'down'))).toBe(EXIT.unreachable);
    expect(exitCodeFor(new BurrowError('store_unavailable', 'disk'))).toBe(EXIT.failure);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT.failure);
    expect(EXIT).toEqual({ ok: 0, failure: 1, usage: 2, unreachable: 3, interrupted: 130 });
  });
});
