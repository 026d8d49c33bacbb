import { z } from 'zod';
import { KeyError } from '../key-errors.js';

/**
 * The `libraryParameters` string some modules need in C_Initialize (NSS softokn: where its
 * database is, `configdir='sql:/abs/dir' certPrefix='' keyPrefix='' secmod='secmod.db'
 * flags=`). It reaches native code as a C string, so it is refused unless it is one line
 * of printable text of bounded length; the module itself judges what the text means.
 * Messages name the problem, never the text.
 */
export const MAX_LIBRARY_PARAMETERS_LENGTH = 1024;

export const libraryParametersSchema = z
  .string()
  .min(1, 'is empty')
  .max(MAX_LIBRARY_PARAMETERS_LENGTH, `is longer than ${MAX_LIBRARY_PARAMETERS_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'holds a control character (a NUL, newline or tab)');

/** `where` names the source in the message, e.g. "HALLMARK_PKCS11_LIBRARY_PARAMETERS". */
export function checkLibraryParameters(value: unknown, where: string): string {
  const parsed = libraryParametersSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const why = parsed.error.issues[0]?.message ?? 'is not a string';
  throw new KeyError(
    'PKCS11_PARAMETERS_INVALID',
    `the PKCS#11 library parameters from ${where} ${typeof value === 'string' ? why : 'are not text'}; refused before loading the module`,
    'input',
  );
}
