/**
 * `npx tsx bench/manifest-verify-rss.ts DIR ROOT_PEM [PLAN_CSV]`: one verifyManifestFolder
 * in a fresh process, then its peak RSS and time as JSON on stdout. Peak RSS is a property
 * of a whole process, so the benchmark runs this as a child instead of reading its own
 * (which the 100,000-device fixture build would dominate).
 */
import { readFileSync } from 'node:fs';
import { readPlanCsv } from '../main/manifest/verify/plan-check.js';
import { readTrustAnchors } from '../main/manifest/verify/read-trust-anchors.js';
import { verifyManifestFolder } from '../main/manifest/verify/verify-manifest.js';

const [dir, rootPem, planCsv] = process.argv.slice(2);
if (!dir || !rootPem) {
  console.error('usage: npx tsx bench/manifest-verify-rss.ts DIR ROOT_PEM [PLAN_CSV]');
  process.exit(2);
}
/**
 * VmHWM, the peak RSS of this process image. getrusage's maxRSS would do on a fresh shell,
 * but Linux carries it across fork and exec: a child of the benchmark (several GiB after
 * building its fixture) would report the parent's size, not its own.
 */
function peakRss(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const baseRss = peakRss();
const t0 = performance.now();
const plan = planCsv ? readPlanCsv(readFileSync(planCsv, 'utf8')) : undefined;
const report = verifyManifestFolder(dir, { anchors: readTrustAnchors(readFileSync(rootPem)), ...(plan ? { plan } : {}) });
const seconds = (performance.now() - t0) / 1000;
const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
console.log(
  JSON.stringify({
    ok: report.ok,
    failed: report.checks.filter((c) => c.status === 'fail').map((c) => c.name),
    devices: report.devices,
    seconds: Math.round(seconds * 100) / 100,
    peakRssMiB: mib(peakRss()),
    startRssMiB: mib(baseRss),
  }),
);
