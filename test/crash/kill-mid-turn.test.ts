// Crash test: SIGKILL mid turn (see kill-points.ts for what this kill proves and what it cannot).

import { defineCrashSuite } from './crash-suite.js';

defineCrashSuite('mid_turn');
