// Part of `npm run build`: copies the dashboard's static files next to the compiled server.

import { cpSync, existsSync } from 'node:fs';

if (existsSync('src/server/static'))
  cpSync('src/server/static', 'dist/server/static', { recursive: true });
