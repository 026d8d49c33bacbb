import pkcs11js from 'pkcs11js';
import { KeyError } from '../key-errors.js';
import type { Pkcs11Binding } from './pkcs11-binding.js';
import { toPkcs11KeyError } from './pkcs11-errors.js';
import { pkcs11Text } from './pkcs11-implementation.js';
import { withPkcs11Module, type Pkcs11, type Pkcs11Handle } from './pkcs11-module-registry.js';

export interface Pkcs11TokenInfo {
  slot: number;
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  initialized: boolean;
  loginRequired: boolean;
}

export interface Pkcs11Token {
  readonly slotHandle: Pkcs11Handle;
  readonly info: Pkcs11TokenInfo;
}

/** `"label" (serial S)`: how messages name a token, since labels alone can repeat. */
export function describeToken(info: Pick<Pkcs11TokenInfo, 'label' | 'serial'>): string {
  return `${JSON.stringify(info.label)} (serial ${info.serial})`;
}

/** `"label" (serial S, manufacturer model)`: for refusals where what the token is matters (what it can hold). */
export function describeTokenModel(info: Pick<Pkcs11TokenInfo, 'label' | 'serial' | 'manufacturer' | 'model'>): string {
  const what = [info.manufacturer, info.model].filter((x) => x !== '').join(' ');
  return `${JSON.stringify(info.label)} (serial ${info.serial}${what !== '' ? `, ${what}` : ''})`;
}

/** Slot IDs are CK_ULONG handles; those real modules hand out fit in a JS number. */
export function slotNumber(handle: Pkcs11Handle): number {
  return handle.length >= 8 ? Number(handle.readBigUInt64LE(0)) : handle.readUInt32LE(0);
}

/** Every slot with a token present, including uninitialized ones (SoftHSM always offers one). */
export function readTokens(pkcs11: Pkcs11): Pkcs11Token[] {
  let slots: Pkcs11Handle[];
  try {
    slots = pkcs11.C_GetSlotList(true);
  } catch (e) {
    throw toPkcs11KeyError(e, 'listing slots');
  }
  return slots.map((slotHandle) => {
    let t: ReturnType<Pkcs11['C_GetTokenInfo']>;
    try {
      t = pkcs11.C_GetTokenInfo(slotHandle);
    } catch (e) {
      throw toPkcs11KeyError(e, `reading the token in slot ${slotNumber(slotHandle)}`);
    }
    // PKCS#11 pads these fixed-width fields with blanks (tpm2-pkcs11 pads the model with NULs).
    return {
      slotHandle,
      info: {
        slot: slotNumber(slotHandle),
        label: t.label.trimEnd(),
        serial: t.serialNumber.trim(),
        manufacturer: pkcs11Text(t.manufacturerID),
        model: pkcs11Text(t.model),
        initialized: (t.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0,
        loginRequired: (t.flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0,
      },
    };
  });
}

export function listPkcs11Tokens(modulePath: string, libraryParameters?: string): Pkcs11TokenInfo[] {
  return withPkcs11Module(modulePath, (lease) => readTokens(lease.pkcs11).map((t) => t.info), libraryParameters);
}

function seen(tokens: readonly Pkcs11Token[]): string {
  const list = tokens.filter((t) => t.info.initialized).map((t) => `${describeToken(t.info)} in slot ${t.info.slot}`);
  return list.length > 0 ? `tokens present: ${list.join(', ')}` : 'no initialized token is present';
}

/**
 * Chooses the token the binding names: by serial if given, else label, else slot. Any
 * other selector given alongside must agree with the chosen token, so a binding that
 * says serial A and label "CA-2" cannot silently pick a token the operator did not mean.
 *
 * Serials are not unique everywhere: every tpm2-pkcs11 and NSS softokn token reports
 * 0000000000000000. Several initialized tokens with the binding's serial are told apart by
 * the binding's label or slot, else by `labelHint` (the label a key record names), and
 * otherwise refused as ambiguous rather than the first one taken.
 */
export function selectToken(pkcs11: Pkcs11, binding: Pkcs11Binding, labelHint?: string): Pkcs11Token {
  const tokens = readTokens(pkcs11);
  let chosen: Pkcs11Token | undefined;
  if (binding.tokenSerial !== undefined) {
    const serial = binding.tokenSerial.trim();
    let matches = tokens.filter((t) => t.info.initialized && t.info.serial === serial);
    if (matches.length === 0) throw new KeyError('PKCS11_TOKEN_NOT_FOUND', `no token with serial ${serial} in ${binding.modulePath}; ${seen(tokens)}`);
    if (matches.length > 1) {
      const label = binding.tokenLabel ?? labelHint;
      const narrowed = matches.filter((t) => (label === undefined || t.info.label === label) && (binding.slot === undefined || t.info.slot === binding.slot));
      if (narrowed.length !== 1) {
        throw new KeyError(
          'PKCS11_TOKEN_NOT_FOUND',
          `the serial ${serial} is shared in ${binding.modulePath} by ${matches.map((t) => `${describeToken(t.info)} in slot ${t.info.slot}`).join(' and ')}; ${narrowed.length === 0 && label !== undefined ? `none of them is labelled ${JSON.stringify(label)}` : "name the token's label or slot as well"}`,
        );
      }
      matches = narrowed;
    }
    chosen = matches[0]!;
  } else if (binding.tokenLabel !== undefined) {
    const matches = tokens.filter((t) => t.info.initialized && t.info.label === binding.tokenLabel);
    if (matches.length > 1) {
      throw new KeyError(
        'PKCS11_TOKEN_NOT_FOUND',
        `the label ${JSON.stringify(binding.tokenLabel)} is ambiguous: ${matches.map((t) => describeToken(t.info)).join(' and ')} share it; choose the token by serial`,
      );
    }
    chosen = matches[0];
    if (!chosen)
      throw new KeyError('PKCS11_TOKEN_NOT_FOUND', `no token labelled ${JSON.stringify(binding.tokenLabel)} in ${binding.modulePath}; ${seen(tokens)}`);
  } else if (binding.slot !== undefined) {
    chosen = tokens.find((t) => t.info.slot === binding.slot);
    if (!chosen) throw new KeyError('PKCS11_TOKEN_NOT_FOUND', `no token in slot ${binding.slot} of ${binding.modulePath}; ${seen(tokens)}`);
  } else {
    throw new KeyError('PKCS11_TOKEN_NOT_FOUND', `the PKCS#11 binding names no token (give a serial, label or slot); ${seen(tokens)}`);
  }

  const info = chosen.info;
  if (!info.initialized) throw new KeyError('PKCS11_TOKEN_NOT_FOUND', `the token in slot ${info.slot} is not initialized; ${seen(tokens)}`);
  if (binding.tokenLabel !== undefined && binding.tokenLabel !== info.label) {
    throw new KeyError(
      'PKCS11_TOKEN_NOT_FOUND',
      `token serial ${info.serial} is labelled ${JSON.stringify(info.label)}, not ${JSON.stringify(binding.tokenLabel)}`,
    );
  }
  if (binding.slot !== undefined && binding.slot !== info.slot) {
    throw new KeyError('PKCS11_TOKEN_NOT_FOUND', `token ${describeToken(info)} is in slot ${info.slot}, not slot ${binding.slot}`);
  }
  return chosen;
}
