import { AGENT_BINARY, requireFirmwareBinary } from './reference-agent.js';

/** The reference device agent, built by `npm test` (`npm run build:firmware`) before vitest runs. */
export const AGENT = AGENT_BINARY;

/** Fails (never skips) when the agent was not built, saying how to build it. */
export function requireAgent(): void {
  requireFirmwareBinary(AGENT);
}
