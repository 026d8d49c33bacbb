export { generateSoftwareKey, openSoftwareKey, softwareKeyFileName, SOFTWARE_KEY_FORMAT, type SoftwareKeyLocation } from './software-key-store.js';
export { KeyObjectSigningKey } from './key-object-signing-key.js';
export { MIN_PASSPHRASE_CHARS } from './passphrase-policy.js';
