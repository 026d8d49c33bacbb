import { KeyError } from '../key-errors.js';

// The workspace's label rule (KeyRepository) restated here because the label becomes a
// file name: whatever reaches this store must not be able to name "../" or a hidden file.
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function assertFileSafeLabel(label: string): void {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new KeyError('KEY_LABEL_INVALID', `key label "${String(label)}" must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
}

/** A file name stored in a record: refused if it could point outside its directory. */
export function assertPlainFileName(name: unknown, label: string): asserts name is string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new KeyError('KEY_FILE_INVALID', `the record of key "${label}" names an invalid key file ${JSON.stringify(name)}`);
  }
}
