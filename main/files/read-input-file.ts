import { readMediaFile } from './read-media-file.js';

/**
 * Reads an input file named by the operator (a CSR, a policy, a plan, trust anchors) through
 * the media reader: at most `maxBytes` read through one descriptor, a 4 GB "CSR" refused
 * unread, a symbolic link or /dev/zero refused as not a regular file. `tooLarge` lets the
 * caller raise its own coded error (a CSR's is CSR_TOO_LARGE).
 */
export function readInputFile(path: string, maxBytes: number, tooLarge?: (message: string) => Error): Buffer {
  return readMediaFile(path, maxBytes, 'file', tooLarge ? { tooLarge } : {});
}
