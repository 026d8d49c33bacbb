/**
 * The PKCS#11 key store's public face: what the CLI and CA code import. Keys are made
 * and used inside the token; the workspace keeps only the token serial, CKA_ID and SPKI
 * (see Pkcs11KeyLocation), and the station supplies module path and PIN at use.
 */
export type { Pkcs11Binding, Pkcs11KeyLocation } from './pkcs11-binding.js';
export { parsePkcs11KeyLocation } from './pkcs11-binding.js';
export type { Pkcs11TokenInfo } from './pkcs11-token.js';
export { listPkcs11Tokens } from './pkcs11-token.js';
export type { GeneratedPkcs11Key } from './pkcs11-key-generate.js';
export { assertTokenCanGenerate, generatePkcs11Key } from './pkcs11-key-generate.js';
export { openPkcs11Key } from './pkcs11-signing-key.js';
export type { ImportedPkcs11Key, ImportedPkcs11KeyLocation } from './pkcs11-key-import.js';
export { assertTokenAcceptsKeyImport, destroyImportedKey, importKeyToToken } from './pkcs11-key-import.js';
export { checkLibraryParameters } from './pkcs11-library-parameters.js';
