import type { JsonValue } from '../encoding/canonical-json.js';
import type { Acknowledgment } from './acknowledgments.js';
import type { RunCeremonyRequest } from './ceremony-request.js';
import type { CeremonyStep } from './ceremony-script-schema.js';
import type { TranscriptWriter } from './transcript/transcript-chain.js';

/**
 * Has everyone a step names acknowledge it — a script step, or one the run adds (the
 * clock confirmation, a rehearsal comparison, the review of a to-be-signed certificate)
 * — and records each acknowledgment: in the audit log (one transaction, actor = the
 * person, with `extra` facts such as the clock shown), then in the transcript at its time.
 */
export async function acknowledgeStep(
  req: Pick<RunCeremonyRequest, 'ws' | 'script' | 'acks' | 'say'>,
  writer: TranscriptWriter,
  step: CeremonyStep,
  extra: { [k: string]: JsonValue } = {},
): Promise<Acknowledgment[]> {
  const { ws } = req;
  const acks = await req.acks.collect(step, req.script.script, req.say);
  ws.transact(() => {
    for (const a of acks)
      ws.audit.append({
        actor: a.name,
        action: 'ceremony.acknowledged',
        subject: req.script.script.name,
        details: { step: a.step, role: a.role, time: a.time, via: a.via, ...extra },
      });
  });
  for (const a of acks) writer.append({ type: 'acknowledged', step: a.step, role: a.role, name: a.name, via: a.via }, new Date(a.time));
  return acks;
}
