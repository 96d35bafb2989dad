// `burrow/testing`: the store conformance suite (registers vitest tests; needs vitest).

export { runStoreConformance } from './store/conformance.js';
export type {
  ConformanceOptions,
  HarnessContext,
  OpenHarness,
  StoreHarness,
} from './store/conformance.js';
