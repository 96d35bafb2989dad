import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolExecutionOptions } from 'ai';
import { describe, expect, it } from 'vitest';
import { calculatorTool, currentTimeTool, exampleTools } from './example-tools.js';

const options: ToolExecutionOptions = { toolCallId: 'c1', messages: [] };

describe('example tools', () => {
  it('tells the time from the injected clock, in UTC or in a named zone', async () => {
    const time = currentTimeTool({ now: () => new Date('2025-06-01T12:00:00.000Z') });
    expect(await time.execute?.({}, options)).toMatchObject({
      utc: '2025-06-01T12:00:00.000Z',
      timeZone: 'UTC',
    });
    const paris = await time.execute?.({ timeZone: 'Europe/Paris' }, options);
    expect(paris).toMatchObject({ timeZone: 'Europe/Paris' });
    expect(JSON.stringify(paris)).toContain('14:00:00');
    expect(() => time.execute?.({ timeZone: 'Mars/Olympus' }, options)).toThrow(RangeError);
  });

  it('computes with the calculator and refuses code', async () => {
    const calculator = calculatorTool();
    expect(await calculator.execute?.({ expression: '(12.5 + 7) * 2' }, options)).toEqual({
      expression: '(12.5 + 7) * 2',
      value: 39,
    });
    expect(() => calculator.execute?.({ expression: 'require("fs")' }, options)).toThrow(
      /expected a number/,
    );
  });

  it('offers them under stable names; saveNote needs approval and appends one line per call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-notes-'));
    const file = join(dir, 'notes.txt');
    const tools = exampleTools({ notesFile: file });
    expect(Object.keys(tools)).toEqual(['currentTime', 'calculator', 'saveNote']);
    expect(tools.saveNote.needsApproval).toBe(true);
    expect(await tools.saveNote.execute?.({ note: 'first\nline' }, options)).toEqual({
      saved: 'first\nline',
      file,
    });
    await tools.saveNote.execute?.({ note: 'second' }, options);
    expect(await readFile(file, 'utf8')).toBe('first line\nsecond\n');
    await rm(dir, { recursive: true, force: true });
  });
});
