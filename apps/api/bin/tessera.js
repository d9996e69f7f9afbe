#!/usr/bin/env node
// The `tessera` command. The CLI is TypeScript compiled to dist/: build first (`npm run build`).
try {
  require.resolve('../dist/cli/main.js');
} catch {
  process.stderr.write('tessera: the CLI is not built yet; run `npm run build` at the repository root first.\n');
  process.exit(1);
}
require('../dist/cli/main.js');
