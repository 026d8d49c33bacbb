import type { CertificateView } from '../../../preload/api.js';

/** A decoded certificate as a definition list: what QA and the inventory show for one device. */
export function CertificateDetails({ certificate: c }: { certificate: CertificateView }) {
  const rows: [string, string][] = [
    ['Subject', c.subject],
    ['Issuer', c.issuer],
    ['Serial', c.serial],
    ['Valid from', c.notBefore],
    ['Valid until', c.notAfter],
    ['Signature', c.signatureAlgorithm],
    ['Public key', c.publicKeyAlgorithm],
    ['SHA-256', c.sha256],
    ['Basic constraints', c.basicConstraints ? `CA ${c.basicConstraints.ca ? 'yes' : 'no'}${c.basicConstraints.pathLen !== undefined ? `, path length ${c.basicConstraints.pathLen}` : ''}` : '—'],
    ['Key usage', c.keyUsage?.join(', ') ?? '—'],
    ['Extended key usage', c.extendedKeyUsage?.join(', ') ?? '—'],
    ['Subject key id', c.subjectKeyId ?? '—'],
    ['Authority key id', c.authorityKeyId ?? '—'],
  ];
  const san = c.subjectAltName;
  if (san) {
    for (const h of san.hardwareModuleNames) rows.push(['Hardware module', `${h.hwType} / ${h.hwSerialNumText ?? h.hwSerialNum}`]);
    if (san.dns.length) rows.push(['DNS names', san.dns.join(', ')]);
    if (san.uris.length) rows.push(['URIs', san.uris.join(', ')]);
    if (san.other.length) rows.push(['Other names', san.other.join(', ')]);
  }
  if (c.masaUrl) rows.push(['MASA URL', c.masaUrl]);
  rows.push(['Extensions', c.extensions.map((e) => `${e.oid}${e.critical ? ' (critical)' : ''}`).join(', ') || '—']);
  return <KeyValueList rows={rows} testId="certificate-details" />;
}

export function KeyValueList({ rows, testId }: { rows: readonly (readonly [string, string])[]; testId?: string }) {
  return (
    <dl className="kv" data-testid={testId}>
      {rows.map(([k, v]) => (
        <div key={k} className="kv__row">
          <dt className="kv__key">{k}</dt>
          <dd className="kv__value mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
