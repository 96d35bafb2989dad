// The generated contract documents must match the code that drives the machine and admission.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { admissionContract, machineContract } from './contract.js';
import { renderAdmissionDoc, renderMachineDoc } from './contract-markdown.js';
import { MACHINE_INPUT_TYPES } from './machine/inputs.js';

function doc(name: string): string {
  return readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
}

describe('generated contracts', () => {
  it('docs/machine.md matches the transition table (run `npm run docs` after changing the table)', () => {
    expect(doc('machine.md')).toBe(renderMachineDoc(machineContract()));
  });

  it('docs/admission.md matches the policy tables (run `npm run docs` after changing them)', () => {
    expect(doc('admission.md')).toBe(renderAdmissionDoc(admissionContract()));
  });

  it('lists every input of 01 and every guard a row uses', () => {
    const contract = machineContract();
    expect(contract.inputs).toEqual(MACHINE_INPUT_TYPES);
    const described = new Set(contract.guards.map((g) => g.name));
    for (const row of contract.rows)
      for (const guard of row.guards) expect(described.has(guard)).toBe(true);
  });
});
