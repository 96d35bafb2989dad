// `npm run docs`: writes the generated contracts (docs/machine.md, docs/admission.md) from the code.

import { writeFileSync } from 'node:fs';
import { admissionContract, machineContract } from '../src/core/contract.js';
import { renderAdmissionDoc, renderMachineDoc } from '../src/core/contract-markdown.js';

writeFileSync(new URL('../docs/machine.md', import.meta.url), renderMachineDoc(machineContract()));
writeFileSync(
  new URL('../docs/admission.md', import.meta.url),
  renderAdmissionDoc(admissionContract()),
);
process.stdout.write('wrote docs/machine.md and docs/admission.md\n');
