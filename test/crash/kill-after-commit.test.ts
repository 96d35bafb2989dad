// Crash test: SIGKILL after commit (see kill-points.ts for what this kill proves and what it cannot).

import { defineCrashSuite } from './crash-suite.js';

defineCrashSuite('after_commit');
