// `npm run docs`: writes the generated contracts (docs/machine.md, docs/admission.md) from the code,
// and the client's types (src/client/openapi-types.ts) from the OpenAPI document.

import { writeFileSync } from 'node:fs';
import { admissionContract, machineContract } from '../src/core/contract.js';
import { renderAdmissionDoc, renderMachineDoc } from '../src/core/contract-markdown.js';
import { OPENAPI_TYPES_FILE, renderOpenApiTypes } from './openapi-types.js';

writeFileSync(new URL('../docs/machine.md', import.meta.url), renderMachineDoc(machineContract()));
writeFileSync(
  new URL('../docs/admission.md', import.meta.url),
  renderAdmissionDoc(admissionContract()),
);
writeFileSync(OPENAPI_TYPES_FILE, await renderOpenApiTypes());
process.stdout.write('wrote docs/machine.md, docs/admission.md and src/client/openapi-types.ts\n');
