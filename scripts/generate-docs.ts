// `npm run docs`: writes the generated contracts (docs/machine.md, docs/admission.md) from the code,
// and the client's types (src/client/openapi-types.ts and src/client/openapi/) from the OpenAPI document.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { admissionContract, machineContract } from '../src/core/contract.js';
import { renderAdmissionDoc, renderMachineDoc } from '../src/core/contract-markdown.js';
import { OPENAPI_PARTS_DIR, renderOpenApiTypes } from './openapi-types.js';

writeFileSync(new URL('../docs/machine.md', import.meta.url), renderMachineDoc(machineContract()));
writeFileSync(
  new URL('../docs/admission.md', import.meta.url),
  renderAdmissionDoc(admissionContract()),
);
const types = await renderOpenApiTypes();
// The parts folder holds exactly what the document generates today: a part no longer generated goes.
mkdirSync(OPENAPI_PARTS_DIR, { recursive: true });
for (const name of readdirSync(OPENAPI_PARTS_DIR)) {
  if (!types.has(new URL(name, OPENAPI_PARTS_DIR).href)) rmSync(new URL(name, OPENAPI_PARTS_DIR));
}
for (const [file, text] of types) writeFileSync(new URL(file), text);
process.stdout.write(
  'wrote docs/machine.md, docs/admission.md, src/client/openapi-types.ts and src/client/openapi/\n',
);
