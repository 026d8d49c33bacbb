import QRCode from 'qrcode';

/**
 * What the script-hash QR code holds. Prefixed so a phone that scans it shows what the
 * hash is of (not a certificate fingerprint or a share); the transcript records this same
 * text, so the code shown at approval can be compared with the record afterwards.
 */
export function scriptHashQrText(sha256: string): string {
  return `hallmark-ceremony-script-sha256:${sha256.toLowerCase()}`;
}

/** The QR code as terminal text (half-block characters, two modules per character row). */
export function scriptHashTerminalQr(sha256: string): Promise<string> {
  return QRCode.toString(scriptHashQrText(sha256), { type: 'terminal', small: true });
}

/** What the binding-hash QR code holds: the same form as the script's, with its own prefix. */
export function bindingHashQrText(sha256: string): string {
  return `hallmark-ceremony-binding-sha256:${sha256.toLowerCase()}`;
}

/** The binding hash's QR code as terminal text. */
export function bindingHashTerminalQr(sha256: string): Promise<string> {
  return QRCode.toString(bindingHashQrText(sha256), { type: 'terminal', small: true });
}
