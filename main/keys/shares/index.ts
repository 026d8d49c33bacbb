export {
  generateSharedKey,
  openSharedKey,
  withReassembledSharedKey,
  shareFileNames,
  type CustodianSecret,
  type ShareEntry,
  type ShareInput,
  type SharedKeyLocation,
} from './shared-key-store.js';
export { parseShareText, formatShareText, shareText, SHARE_TEXT_PREFIX } from './share-text.js';
export { parseShareFile, SHARE_FILE_FORMAT, type ShareFile } from './share-file.js';
export { shareDigest, type EncryptedShare } from './encrypted-share.js';
