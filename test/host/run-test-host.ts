// Serves the built renderer against a real workspace for a person to look at in a
// browser: `npm run test-host -- --home DIR` prints the URL (loopback only, per-run token).
import { parseArgs } from 'node:util';
import { resolveWorkspaceHome } from '../../main/store/workspace-home.js';
import { startTestHost } from './test-host.js';

const { values } = parseArgs({ options: { home: { type: 'string' } }, strict: true });
const host = await startTestHost({ home: resolveWorkspaceHome(values.home), actor: 'test-host' });
process.stdout.write(`${host.url}#/audit\n`);
const stop = () => void host.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
