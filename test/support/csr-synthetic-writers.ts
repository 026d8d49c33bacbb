import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { der, extensionRequest, name, OIDS, sigAlg } from './csr-fixtures.js';

/**
 * CSRs as the writers Debian does not ship produce them (secure-element host libraries,
 * Bouncy Castle, PKCS#11 bridges, tpm2-tss-engine), rebuilt byte for byte from what
 * /work/shared/DEVICE-CSRS.md records of them, plus the deviations no writer was found to
 * emit but which the station must refuse anyway. Made with node:crypto keys and the
 * independent DER writer of csr-fixtures.ts; every signature is genuine unless the case is
 * about a bad one.
 */

export interface SyntheticCsr {
  /** the writer imitated, or 'synthetic' for a deviation no known writer emits */
  readonly writer: string;
  readonly label: string;
  readonly der: Buffer;
}

const OID = { ...OIDS, o: '2.5.4.10', serialNumber: '2.5.4.5', ecdsaSha1: '1.2.840.10045.4.1' } as const;

interface EcKey {
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
}

function p256(): EcKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}

/** r and s, 32 bytes each (IEEE P1363). */
function rs(key: KeyObject, tbs: Buffer, hash = 'sha256'): [Buffer, Buffer] {
  const raw = sign(hash, tbs, { key, dsaEncoding: 'ieee-p1363' });
  return [raw.subarray(0, 32), raw.subarray(32)];
}

/** The DER INTEGER contents of a positive magnitude: leading zeros dropped, one 0x00 if the top bit is set. */
function minimal(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return m[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m;
}

const integer = (contents: Buffer): Buffer => der.tlv(0x02, contents);

function info(p: { version?: number; subject?: Buffer; spki: Buffer; attributes?: Buffer[] | null }): Buffer {
  return der.seq(
    der.int(p.version ?? 0),
    p.subject ?? name([OID.cn, der.utf8('dev-1')]),
    p.spki,
    ...(p.attributes === null ? [] : [der.ctx(0, ...(p.attributes ?? []))]),
  );
}

function csr(tbs: Buffer, algorithm: Buffer, signature: Buffer): Buffer {
  return der.seq(tbs, algorithm, der.bits(signature));
}

const derSig =
  (key: KeyObject) =>
  (tbs: Buffer): Buffer =>
    sign('sha256', tbs, key);

export function syntheticCsrs(): SyntheticCsr[] {
  const out: SyntheticCsr[] = [];
  const add = (writer: string, label: string, bytes: Buffer) => out.push({ writer, label, der: bytes });

  {
    // Microchip CryptoAuthLib, atcacert CSR template 2: PrintableString subject, an
    // extensionRequest whose Extensions SEQUENCE is empty, ecdsa-with-SHA256 without parameters.
    const k = p256();
    const tbs = info({
      subject: name([OID.o, der.printable('Example Inc')], [OID.cn, der.printable('Example Device')]),
      spki: k.spki,
      attributes: [extensionRequest()],
    });
    add('cryptoauthlib', 'template-2', csr(tbs, sigAlg.ecdsaSha256(), derSig(k.privateKey)(tbs)));
  }
  {
    // Infineon OPTIGA Trust M before v5.0: r written with a redundant leading 0x00.
    const k = p256();
    const tbs = info({ spki: k.spki });
    const [r, s] = rs(k.privateKey, tbs);
    const sig = der.seq(integer(Buffer.concat([Buffer.from([0]), minimal(r)])), integer(minimal(s)));
    add('optiga-trust-m', 'padded-r', csr(tbs, sigAlg.ecdsaSha256(), sig));
  }
  {
    // Bouncy Castle PKCS10CertificationRequestBuilder.setLeaveOffEmptyAttributes(true): no [0].
    const k = p256();
    const tbs = info({ spki: k.spki, attributes: null });
    add('bouncy-castle', 'no-attributes', csr(tbs, sigAlg.ecdsaSha256(), derSig(k.privateKey)(tbs)));
  }
  {
    // An old PKCS#11 bridge: CKM_ECDSA's raw r‖s put in the BIT STRING as is.
    const k = p256();
    const tbs = info({ spki: k.spki });
    add('pkcs11-bridge', 'raw-r-s', csr(tbs, sigAlg.ecdsaSha256(), Buffer.concat(rs(k.privateKey, tbs))));
  }
  {
    // tpm2-tss-engine on OpenSSL 3: a well-formed signature that does not verify (here: over
    // the digest of the request, hashed a second time).
    const k = p256();
    const tbs = info({ spki: k.spki });
    add('tpm2-tss-engine', 'bad-self-signature', csr(tbs, sigAlg.ecdsaSha256(), derSig(k.privateKey)(createHash('sha256').update(tbs).digest())));
  }
  {
    // A negative INTEGER: r with its top bit set and the 0x00 that keeps it positive left out.
    const k = p256();
    const tbs = info({ spki: k.spki });
    let r: Buffer;
    let s: Buffer;
    do [r, s] = rs(k.privateKey, tbs);
    while (!(r[0]! & 0x80));
    add('synthetic', 'negative-r', csr(tbs, sigAlg.ecdsaSha256(), der.seq(integer(r), integer(minimal(s)))));
  }
  {
    const k = p256();
    const tbs = info({ spki: k.spki });
    add('synthetic', 'ecdsa-with-sha1', csr(tbs, der.seq(der.oid(OID.ecdsaSha1)), sign('sha1', tbs, k.privateKey)));
  }
  {
    const k = p256();
    const tbs = info({ version: 3, spki: k.spki });
    add('synthetic', 'version-3', csr(tbs, sigAlg.ecdsaSha256(), derSig(k.privateKey)(tbs)));
  }
  {
    // BER: the outer SEQUENCE with an indefinite length (and its end-of-contents); the
    // signed certificationRequestInfo is untouched, so the signature is still good.
    const k = p256();
    const tbs = info({ spki: k.spki });
    const inner = Buffer.concat([tbs, sigAlg.ecdsaSha256(), der.bits(derSig(k.privateKey)(tbs))]);
    add('synthetic', 'ber-indefinite-length', Buffer.concat([Buffer.from([0x30, 0x80]), inner, Buffer.from([0x00, 0x00])]));
  }
  {
    const k = p256();
    const tbs = info({ spki: k.spki });
    add('synthetic', 'trailing-bytes', Buffer.concat([csr(tbs, sigAlg.ecdsaSha256(), derSig(k.privateKey)(tbs)), Buffer.from([0x00, 0x00])]));
  }
  {
    // mbedTLS's NULL parameters and wolfSSL's version 2 in one request.
    const k = p256();
    const tbs = info({ version: 2, spki: k.spki });
    add('combined', 'null-parameters+version-2', csr(tbs, sigAlg.ecdsaSha256Null(), derSig(k.privateKey)(tbs)));
  }
  return out;
}
