/**
 * `linegate engine` from src/ (under tsx, like the app it serves in trunk-users-split), so
 * that the engine and the app of a split run are built from the same sources without a
 * `npm run build`: `node --import tsx load-tests/scenarios/trunk-users-engine.ts [engine flags]`.
 */
import { main } from '../../src/cli.js';

main(['engine', ...process.argv.slice(2)]).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
