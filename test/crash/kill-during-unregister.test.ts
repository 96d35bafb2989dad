// Crash test: SIGKILL during unregister (see kill-points.ts for what this kill proves and what it cannot).

import { defineCrashSuite } from './crash-suite.js';

defineCrashSuite('during_unregister');
