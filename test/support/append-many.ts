// Child process for the concurrency test: appends N entries to a workspace, one
// transaction each, as a second station or CLI run would.
import { Workspace } from '../../main/store/workspace.js';

const [home, actor, count] = process.argv.slice(2);
const ws = Workspace.open(home!, actor!);
try {
  for (let i = 0; i < Number(count); i++) ws.audit.append({ actor: actor!, action: 'test.concurrent', subject: String(i) });
} finally {
  ws.close();
}
