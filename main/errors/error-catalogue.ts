/**
 * Every error code Hallmark raises, as data: what kind of trouble it is, which room raises
 * it, what happened in plain words and what to do. The CLI, the station and the renderer
 * read the same table (the renderer imports this one file of main/: it imports nothing, so
 * it stays pure), and test/unit/error-catalogue.test.ts fails on a code thrown anywhere in
 * main/ that is missing here.
 *
 * `kind` is what the person in front of the screen can do about it, not HallmarkError's
 * `kind` (input, check, environment), which stays at the throw site and decides the CLI's
 * exit status. The mapping: HallmarkError 'input' and 'check' are catalogue 'input' — the
 * request, file, device or record is refused and the same again fails the same way; an
 * 'environment' failure that a retry may cure (a busy database, a lost connection, a race,
 * a link fault) is 'transient'; one that stops the work until someone fixes the machine,
 * the token or the store is 'fatal'. The station's own sets (REFUSAL_CODES, TRANSIENT_CODES,
 * FATAL_CODES in main/station/device-outcome.ts) decide its retries; the test checks they
 * agree with the kinds written here.
 */
export type ErrorCatalogueKind = 'input' | 'transient' | 'fatal';

export type ErrorArea =
  | 'api'
  | 'audit'
  | 'ca'
  | 'cbor'
  | 'ceremony'
  | 'cli'
  | 'cms'
  | 'csr'
  | 'devices'
  | 'files'
  | 'inventory'
  | 'keys'
  | 'manifest'
  | 'matter'
  | 'operators'
  | 'pkcs11'
  | 'revocation'
  | 'station'
  | 'workers'
  | 'workspace'
  | 'x509';

export interface ErrorCatalogueEntry {
  readonly kind: ErrorCatalogueKind;
  readonly area: ErrorArea;
  /** what happened, one plain sentence */
  readonly words: string;
  /** what to do now */
  readonly remedy: string;
}

const input = (area: ErrorArea, words: string, remedy: string): ErrorCatalogueEntry => ({ kind: 'input', area, words, remedy });
const transient = (area: ErrorArea, words: string, remedy: string): ErrorCatalogueEntry => ({ kind: 'transient', area, words, remedy });
const fatal = (area: ErrorArea, words: string, remedy: string): ErrorCatalogueEntry => ({ kind: 'fatal', area, words, remedy });

const SEND_TO_REPAIR = 'Put the device in the repair tray with its port tag.';
const RESEAT = 'Re-seat the device in its fixture and start the port again.';
const POWER_CYCLE = 'Power-cycle the device and start the port again; if it repeats, send it to repair.';
const REFLASH = 'Its firmware is wrong: send it to be re-flashed.';
const GARBLED = 'Check the cable and the fixture contacts, then start the port again.';
const NEVER_OVERWRITTEN = 'Choose a new name or folder: Hallmark never overwrites a file.';
const CHECK_FOLDER = 'Check that the folder exists and is writable, then try again.';
const BAD_CSR = 'Get a fresh certificate request from the device or its firmware vendor; this one cannot be accepted.';
const BAD_KEY = 'Make a new key with a supported algorithm and size, then send a new request.';
const BAD_CBOR = 'Power-cycle the device and try again; if it repeats, its firmware is wrong.';

/** The DER framing problems; under CSR_ (CSR_DER_LENGTH, …) they are a request's. */
const DER: Readonly<Record<string, ErrorCatalogueEntry>> = {
  DER_LENGTH: input('x509', 'The data ends early or a length in it is wrong.', 'Check that the file is complete and is the one meant.'),
  DER_INDEFINITE_LENGTH: input(
    'x509',
    'The data uses an indefinite length, which strict DER forbids.',
    'Re-encode it as DER, or ask its producer for a DER file.',
  ),
  DER_NON_MINIMAL: input('x509', 'The data is not in its shortest encoding, which DER requires.', 'Re-encode it as DER, or ask its producer for a DER file.'),
  DER_TOO_DEEP: input(
    'x509',
    'The data is nested deeper than Hallmark reads.',
    'Check that the file is the one meant; a certificate is never nested that deep.',
  ),
  DER_TRAILING_BYTES: input('x509', 'There are extra bytes after the end of the data.', 'Check that the file is complete and holds one object only.'),
  DER_TAG: input('x509', 'The data has an element of an unexpected type.', 'Check that the file is the kind of object asked for.'),
  DER_OID: input('x509', 'An object identifier in the data is malformed.', 'Ask the file’s producer for a correct encoding.'),
  DER_VALUE: input('x509', 'A value in the data is malformed.', 'Ask the file’s producer for a correct encoding.'),
};

/** Refusals of a public key; under CSR_ (CSR_KEY_RSA_FERMAT, …) they are a request's key. */
const PUBLIC_KEY: Readonly<Record<string, ErrorCatalogueEntry>> = {
  KEY_SPKI_INVALID: input('x509', 'The public key cannot be read.', BAD_KEY),
  KEY_ALGORITHM_UNSUPPORTED: input('keys', 'The key’s algorithm is not one Hallmark supports.', 'Use an ECDSA P-256 or P-384, Ed25519 or RSA 2048–4096 key.'),
  KEY_CURVE_UNSUPPORTED: input('x509', 'The key is on an elliptic curve Hallmark does not support.', 'Use a P-256 or P-384 key.'),
  KEY_EC_POINT_INVALID: input('x509', 'The elliptic-curve public key is not a valid point.', BAD_KEY),
  KEY_ED25519_POINT_INVALID: input('x509', 'The Ed25519 public key is not a valid key.', BAD_KEY),
  KEY_RSA_TOO_SMALL: input('x509', 'The RSA key is shorter than 2048 bits.', 'Make a key of 2048 bits or more.'),
  KEY_RSA_TOO_LARGE: input('x509', 'The RSA key is longer than 4096 bits.', 'Make a key of at most 4096 bits.'),
  KEY_RSA_SIZE_UNSUPPORTED: input('x509', 'The RSA key is not 2048, 3072 or 4096 bits.', 'Make a key of one of those sizes.'),
  KEY_RSA_EXPONENT: input('x509', 'The RSA key’s public exponent is not 65537.', 'Make a new key with exponent 65537.'),
  KEY_RSA_MODULUS_INVALID: input('x509', 'The RSA key’s modulus is malformed.', BAD_KEY),
  KEY_RSA_FERMAT: input(
    'x509',
    'The RSA key is weak: its primes are too close together and it was factored.',
    'Treat the key as broken and make a new one with a sound random generator.',
  ),
  KEY_RSA_SMALL_FACTOR: input(
    'x509',
    'The RSA key is weak: its modulus has a small factor.',
    'Treat the key as broken and make a new one with a sound random generator.',
  ),
};

function asRequest(entries: Readonly<Record<string, ErrorCatalogueEntry>>): Record<string, ErrorCatalogueEntry> {
  return Object.fromEntries(
    Object.entries(entries).map(([code, e]) => [
      `CSR_${code}`,
      input('csr', `In the certificate request: ${e.words.charAt(0).toLowerCase()}${e.words.slice(1)}`, e.remedy),
    ]),
  );
}

export const ERROR_CATALOGUE: Readonly<Record<string, ErrorCatalogueEntry>> = {
  // ── the faces and the API
  USAGE: input('cli', 'The command or one of its options was not understood.', 'Run the command with --help and correct it.'),
  INVALID_INPUT: input('api', 'A value given was not in the expected form.', 'Correct the value the message names and try again.'),
  INTERNAL: fatal('api', 'Hallmark hit an unexpected problem.', 'Call the supervisor; the application log has the details.'),
  UNKNOWN_OPERATION: fatal('api', 'The window asked for an operation this Hallmark does not have.', 'Restart Hallmark; if it repeats, reinstall it.'),
  UNTRUSTED_SENDER: fatal(
    'api',
    'A request came from something other than Hallmark’s own window and was refused.',
    'Restart Hallmark and report it to the administrator.',
  ),
  DIALOG_UNAVAILABLE: fatal('api', 'This Hallmark has no file dialog to choose where to write.', 'Use the command line and name the file there.'),
  OPERATION_CANCELLED: input('workers', 'The operation was cancelled.', 'Start it again when ready.'),
  WORKER_MISSING: fatal('workers', 'A part of Hallmark is missing from its installation.', 'Rebuild or reinstall Hallmark.'),
  PORT_INVALID: input('station', 'The path chosen is not a serial port.', 'Pick the fixture’s serial port.'),
  PORT_NOT_FOUND: input('station', 'No serial port is at the path chosen.', 'Check that the fixture is plugged in, then pick the port again.'),
  STATION_BUSY: input('station', 'The station is already running a work order.', 'Stop the running work order first.'),
  UNLOCK_MISMATCH: input(
    'station',
    'The credentials given are not the kind the issuing CA’s key needs.',
    'Give the passphrase for a key file, or the PIN for a token key.',
  ),
  UNLOCK_UNSUPPORTED: input(
    'station',
    'The issuing CA’s key is split into custodian shares, which the station cannot open.',
    'Issue under a CA whose key is a file or on a token.',
  ),
  AUTHORITY_NOT_FOUND: input('ca', 'No such authority is in this workspace.', 'Refresh the list and pick the authority again.'),
  EXPORT_CHAIN_NOT_DER: input('ca', 'A chain of certificates cannot be written as one DER file.', 'Export the chain as PEM, or one certificate as DER.'),
  EXPORT_EXISTS: input('files', 'The export file already exists.', NEVER_OVERWRITTEN),
  EXPORT_UNWRITABLE: fatal('files', 'The export file could not be written.', CHECK_FOLDER),
  CRL_NEEDS_CEREMONY: input(
    'ca',
    'This CA’s key is split into custodian shares, so its CRL is signed at a ceremony.',
    'Run a CRL ceremony from the Ceremonies section.',
  ),

  // ── files and outputs
  FILE_SYMLINK_REFUSED: input(
    'files',
    'The file is a symbolic link, which Hallmark does not follow on removable media.',
    'Copy the real file onto the medium and try again.',
  ),
  FILE_TOO_LARGE: input('files', 'The file is larger than such a file can be.', 'Check that it is the file meant.'),
  FILE_NOT_REGULAR: input('files', 'The path is not an ordinary file (or not a folder where one was asked for).', 'Check that it is the file or folder meant.'),
  FILE_CHANGED_WHILE_OPENING: input('files', 'The file changed while it was being opened.', 'Make sure nothing else writes to the medium, then try again.'),
  FILE_UNREADABLE: input('files', 'The file could not be read.', 'Check that the file exists and that Hallmark may read it.'),
  OUTPUT_INSIDE_WORKSPACE: input(
    'files',
    'The output was to go inside the workspace folder, where Hallmark never writes exports.',
    'Choose a place outside the workspace, such as the output medium.',
  ),
  OUTPUT_PATH_FROM_RENDERER: input('files', 'The window named an output path, which only the save dialog may choose.', 'Choose the place in the save dialog.'),
  OUTPUT_NOT_CHOSEN: input('files', 'No output place was chosen.', 'Choose where the output goes and start again.'),
  OUTPUT_PATH_INVALID: input('files', 'The output path cannot be used.', 'Choose another place.'),
  CALENDAR_OUTPUT_EXISTS: input('files', 'The calendar file already exists.', NEVER_OVERWRITTEN),
  CALENDAR_OUTPUT_UNWRITABLE: fatal('files', 'The calendar file could not be written.', CHECK_FOLDER),

  // ── the workspace and its database
  WORKSPACE_MISSING: input('workspace', 'There is no workspace at this place.', 'Create one with hallmark init, or name the right workspace.'),
  WORKSPACE_NOT_DIRECTORY: input('workspace', 'The workspace path is not a folder.', 'Name the workspace folder.'),
  WORKSPACE_NOT_INITIALIZED: input('workspace', 'The workspace folder has no database yet.', 'Create it with hallmark init.'),
  WORKSPACE_NOT_WRITABLE: fatal('workspace', 'The workspace cannot be written.', 'Check the disk space and the folder’s permissions.'),
  DATABASE_BUSY: transient(
    'workspace',
    'The workspace database is locked by another program.',
    'Close the other Hallmark using this workspace, then try again.',
  ),
  DATABASE_CORRUPT: fatal('workspace', 'The workspace database is damaged.', 'Stop and restore the workspace from its backup; the file was left untouched.'),
  DATABASE_NOT_SQLITE: input(
    'workspace',
    'The workspace database file is not a Hallmark database.',
    'Check that the workspace path is right; the file was left untouched.',
  ),
  SCHEMA_TOO_NEW: input('workspace', 'The workspace was written by a newer Hallmark.', 'Use that newer version of Hallmark with this workspace.'),
  MIGRATION_FAILED: fatal('workspace', 'The workspace could not be upgraded to this version.', 'Restore the workspace from its backup and report the message.'),
  STORE_WRITE_FAILED: fatal('station', 'The station could not save its records.', 'Stop the line and call the supervisor: the disk may be full.'),
  SERIAL_REUSED: input('ca', 'This issuer already used that certificate serial number.', 'Issue again; a new serial is drawn each time.'),

  // ── the audit log
  AUDIT_EVENT_INVALID: fatal('audit', 'An audit entry was malformed and was not written.', 'Report it; the application log has the details.'),
  AUDIT_CERT_INVALID: input('audit', 'The audit certificate given cannot be used.', 'Give the audit-signer certificate exported from this workspace.'),
  AUDIT_CHAIN_BROKEN: transient('audit', 'The audit log changed or broke while it was being signed.', 'Try again; if it repeats, verify the audit log.'),
  AUDIT_CHECKPOINT_FORGED: input(
    'audit',
    'An audit checkpoint’s signature does not verify: it was forged or altered.',
    'Treat the audit log as tampered with and report it.',
  ),
  AUDIT_CHECKPOINT_MISMATCH: input(
    'audit',
    'Audit entries were changed after a checkpoint signed them.',
    'Treat the audit log as tampered with and report it.',
  ),
  AUDIT_CHECKPOINT_REPLAYED: input(
    'audit',
    'A genuine audit checkpoint was copied to a new place in the log.',
    'Treat the audit log as tampered with and report it.',
  ),
  AUDIT_CHECKPOINT_UNREADABLE: input('audit', 'An audit checkpoint entry cannot be read.', 'Treat the audit log as tampered with and report it.'),
  AUDIT_CHECKPOINT_UNTRUSTED: input(
    'audit',
    'An audit checkpoint was signed by a key you did not trust, or for another workspace.',
    'Give the audit certificate of this workspace.',
  ),
  AUDIT_KEY_MISMATCH: input('audit', 'The key unlocked is not this workspace’s audit key.', 'Unlock the audit key the workspace names.'),
  AUDIT_KEY_MISSING: input('audit', 'This workspace has no audit key.', 'Create one with hallmark audit key create.'),
  AUDIT_KEY_NOT_OWN: input(
    'audit',
    'The audit key must be a key of its own, at hand whenever a checkpoint is signed.',
    'Create a separate file or token key for auditing.',
  ),
  ENTRY_ALTERED: input('audit', 'An audit entry was changed after it was written.', 'Treat the audit log as tampered with and report it.'),
  ENTRY_MISSING: input('audit', 'An audit entry is missing from the log.', 'Treat the audit log as tampered with and report it.'),
  ENTRY_UNREADABLE: input('audit', 'An audit entry cannot be read.', 'Treat the audit log as tampered with and report it.'),
  CHAIN_BROKEN: input('audit', 'Audit entries are out of order or were inserted.', 'Treat the audit log as tampered with and report it.'),
  TAIL_TRUNCATED: input('audit', 'The newest audit entries were deleted.', 'Treat the audit log as tampered with and report it.'),
  PROTECTION_MISSING: input('audit', 'The audit log’s append-only protection was removed.', 'Treat the audit log as tampered with and report it.'),

  // ── keys, shares and tokens
  KEY_NOT_FOUND: input(
    'keys',
    'The key named is not in this workspace, or other credentials were given for it.',
    'Check the key’s name and how it is unlocked.',
  ),
  KEY_CLOSED: input('keys', 'The CA key was closed.', 'Start the station again.'),
  KEY_FILE_EXISTS: input('keys', 'A key file of that name already exists.', 'Choose another name: Hallmark never overwrites key material.'),
  KEY_FILE_INVALID: input(
    'keys',
    'The key file is damaged or not a key Hallmark can read.',
    'Check that it is the key file meant, or restore it from its backup.',
  ),
  KEY_LABEL_EXISTS: input('pkcs11', 'A key with that label is already on the token.', 'Choose another label.'),
  KEY_LABEL_INVALID: input('keys', 'The key label is empty or not allowed.', 'Give a short label of letters, digits and dashes.'),
  KEY_MISMATCH: input('keys', 'The key unlocked is not the one the workspace names.', 'Unlock the key the workspace names.'),
  KEY_PASSPHRASE_WEAK: input('keys', 'The passphrase is too short.', 'Choose a longer passphrase.'),
  KEY_PASSPHRASE_WRONG: input('keys', 'The passphrase does not open the key.', 'Type the passphrase again.'),
  KEY_REUSED: input('ca', 'An intermediate CA was given its parent’s key.', 'Make a new key for the intermediate CA.'),
  SHARE_CORRUPT: input('keys', 'A share read back is not the one just made.', 'Write the share again to a good medium.'),
  SHARE_DUPLICATE: input('keys', 'The same share was given twice.', 'Give each custodian’s share once.'),
  SHARE_MISMATCH: input('keys', 'The shares given do not rebuild this key.', 'Check that each share belongs to this key.'),
  SHARE_PASSPHRASE_WRONG: input('keys', 'A share does not open with its custodian’s passphrase.', 'Have the custodian type the passphrase again.'),
  SHARES_INVALID: input('keys', 'The share plan or a share file is not valid.', 'Check the threshold, the custodians and the share files.'),
  SHARES_TOO_FEW: input('keys', 'Fewer shares were given than the key needs.', 'Bring enough custodians with their shares.'),
  PKCS11_ERROR: fatal('pkcs11', 'The token stopped working.', 'Stop and call the supervisor: check the token.'),
  PKCS11_IMPORT_UNSUPPORTED: input('pkcs11', 'This token cannot take an imported private key.', 'Make the key on the token instead, or use another token.'),
  PKCS11_KEY_EXTRACTABLE: fatal('pkcs11', 'The token made a key that could leave it, so it was refused.', 'Use a token that keeps its keys inside.'),
  PKCS11_KEY_MISMATCH: input('pkcs11', 'The token holds a different public key than the one given.', 'Check that the right key was imported.'),
  PKCS11_KEY_NOT_FOUND: input('pkcs11', 'The key is not on the token.', 'Insert the token that holds the key.'),
  PKCS11_MECHANISM_UNSUPPORTED: input('pkcs11', 'The token cannot do what was asked with this key type.', 'Use a key type the token supports.'),
  PKCS11_MODULE: fatal('pkcs11', 'No token library is configured, or it could not be loaded.', 'Ask the administrator to set up the token library.'),
  PKCS11_MODULE_IN_USE: input('pkcs11', 'The token library is already in use with other settings.', 'Restart Hallmark and use one setting for the library.'),
  PKCS11_MODULE_NOT_ALLOWED: input(
    'pkcs11',
    'The token library is not on this machine’s allow-list.',
    'Ask the administrator to allow it with hallmark pkcs11-module.',
  ),
  PKCS11_MODULE_UNSAFE: input('pkcs11', 'The token library file is not safe to load.', 'Install the library in a system folder owned by root.'),
  PKCS11_PARAMETERS_INVALID: input('pkcs11', 'The token library settings are not valid.', 'Correct the library parameters.'),
  PKCS11_PIN_LOCKED: fatal('pkcs11', 'The token’s PIN is locked after too many wrong attempts.', 'Have the token’s security officer unblock it.'),
  PKCS11_PIN_WRONG: input('pkcs11', 'The PIN is wrong.', 'Type the PIN again; the token locks after a few wrong tries.'),
  PKCS11_TOKEN_NOT_FOUND: input('pkcs11', 'The token is not present.', 'Insert the right token and try again.'),
  PKCS11_TPM_LOCKOUT: fatal('pkcs11', 'The TPM is locked out after too many wrong PINs.', 'Wait for the lockout to pass, or have the TPM’s owner clear it.'),

  // ── x509, CSR and CMS
  ...DER,
  ...PUBLIC_KEY,
  ...asRequest(DER),
  ...asRequest(PUBLIC_KEY),
  CSR_TOO_LARGE: input('csr', 'The certificate request is far larger than one can be.', 'Check that the file is a certificate request.'),
  CSR_EMPTY: input('csr', 'The certificate request is empty.', BAD_CSR),
  CSR_PEM_ARMOR: input('csr', 'The certificate request’s text framing is broken.', BAD_CSR),
  CSR_BASE64: input('csr', 'The certificate request’s text has characters or padding out of place.', BAD_CSR),
  CSR_NOT_A_CSR: input('csr', 'The file holds something other than a certificate request.', 'Give the certificate request file.'),
  CSR_STRUCTURE: input('csr', 'The certificate request is not built as one must be.', BAD_CSR),
  CSR_VERSION: input(
    'csr',
    'The certificate request has a version number other than 1.',
    'Accept it only with the product’s named allowance, or get a correct request.',
  ),
  CSR_ATTRIBUTES_ABSENT: input(
    'csr',
    'The certificate request lacks its attributes field.',
    'Accept it only with the product’s named allowance, or get a correct request.',
  ),
  CSR_ATTRIBUTES_ORDER: input(
    'csr',
    'The certificate request’s attributes are out of order.',
    'Accept it only with the product’s named allowance, or get a correct request.',
  ),
  CSR_STRING_ENCODING: input(
    'csr',
    'A name in the certificate request is badly encoded.',
    'Accept it only with the product’s named allowance, or get a correct request.',
  ),
  CSR_DUPLICATE_ATTRIBUTE: input('csr', 'The certificate request repeats an attribute.', BAD_CSR),
  CSR_DUPLICATE_EXTENSION: input('csr', 'The certificate request asks for an extension twice.', BAD_CSR),
  CSR_SIGNATURE_WEAK: input('csr', 'The certificate request is signed with a broken hash.', 'Have the device sign with SHA-256 or better.'),
  CSR_SIGNATURE_ALGORITHM_UNSUPPORTED: input(
    'csr',
    'The certificate request is signed with an algorithm Hallmark does not accept.',
    'Have the device sign with ECDSA, Ed25519 or RSA PKCS#1 v1.5 and SHA-256 or better.',
  ),
  CSR_SIGNATURE_ALGORITHM_PARAMETERS: input(
    'csr',
    'The certificate request’s signature algorithm carries parameters it should not.',
    'Accept it only with the product’s named allowance, or get a correct request.',
  ),
  CSR_SIGNATURE_ALGORITHM_MISMATCH: input('csr', 'The certificate request’s signature algorithm does not fit its key.', BAD_CSR),
  CSR_SIGNATURE_NOT_MINIMAL: input(
    'csr',
    'The certificate request’s signature is padded with extra zeros.',
    'Accept it only with the product’s named allowance, or get a correct request.',
  ),
  CSR_SIGNATURE_INVALID: input('csr', 'The certificate request’s signature does not verify.', BAD_CSR),
  CMS_KEY_UNSUPPORTED: input('cms', 'This key cannot make the signature asked for.', 'Use an ECDSA, Ed25519 or RSA key.'),
  CMS_SIGNATURE_FAILED: fatal('cms', 'A signature just made does not verify.', 'Stop and check the signing key or token.'),
  LINT_FAILED: input('x509', 'The certificate breaks one or more lint rules.', 'Fix the rules the output names.'),

  // ── CAs and CRLs
  CA_EXISTS: input('ca', 'A CA of that name already exists.', 'Choose another name.'),
  CA_NAME_INVALID: input('ca', 'The CA name is not allowed.', 'Use 1 to 64 letters, digits, dots, underscores or dashes.'),
  CA_NOT_FOUND: input('ca', 'No CA of that name is in this workspace.', 'Check the CA’s name.'),
  CA_PARENT_EXPIRING: input('ca', 'The parent CA’s certificate ends within a day.', 'Renew the parent CA first.'),
  CERTIFICATE_NOT_FOUND: input('ca', 'No certificate with that serial number was found.', 'Check the serial number and the CA.'),
  CERTIFICATE_SERIAL_AMBIGUOUS: input('ca', 'More than one issuer used that serial number.', 'Name the issuing CA too.'),
  CERTIFICATE_SERIAL_INVALID: input('ca', 'The serial number is not hexadecimal.', 'Give the serial as hex digits.'),
  ALREADY_REVOKED: input('ca', 'The certificate is already revoked.', 'Nothing to do; it is on the CRL.'),
  CRL_NUMBER_RACE: transient('ca', 'Another CRL of this CA was issued at the same time.', 'Run it again.'),
  REVOCATION_REASON_INVALID: input('revocation', 'The revocation reason is not one Hallmark knows.', 'Use one of the listed reasons.'),

  // ── the station: policy, plans and work orders
  POLICY_INVALID: input('station', 'The product policy is not valid.', 'Correct the policy lines the message names.'),
  PLAN_INVALID: input('station', 'The production plan is not valid.', 'Correct the plan lines the message names.'),
  BATCH_NOT_FOUND: input('station', 'No such work order is in this workspace.', 'Check the work order’s name.'),
  BATCH_EXISTS: input('station', 'A work order of that name already exists.', 'Choose another name.'),
  BATCH_ID_INVALID: input('station', 'The work order name is not allowed.', 'Use 1 to 64 letters, digits, dots, underscores or dashes.'),
  QUANTITY_EXCEEDS_PLAN: input('station', 'The quantity is more than the plan lists.', 'Lower the quantity or extend the plan.'),
  FIXTURE_NOT_DEFINED: input(
    'station',
    'The product policy names no fixture to find ports by.',
    'Add the fixture’s USB ids to the policy, or give a port pattern.',
  ),
  STATION_INCOMPLETE: input('station', 'Some devices did not complete.', 'Read each port’s result and handle those devices.'),
  STATION_STOPPED: input('station', 'The station was stopped before this device got its certificate.', 'Leave the device in place and start again.'),
  ISSUANCE_FAILED: fatal('station', 'The certificate could not be made.', 'Stop and call the supervisor.'),
  CA_KEY_UNAVAILABLE: fatal('station', 'The CA token stopped signing (removed or failed).', 'Stop the line, re-seat the CA token and start the station again.'),
  REWORK_NOT_POSSIBLE: input('station', 'This device cannot be reworked under this work order.', 'Rework it under an open work order.'),
  REWORK_REASON_INVALID: input('station', 'The rework reason is not one of the listed reasons.', 'Pick one of the listed reasons.'),
  REWORK_NOT_ALLOWED: input('station', 'This operator may not approve reworks for this product.', 'Ask an operator allowed by the product policy.'),

  // ── the station: refusals of one device (technician words)
  NOT_IN_PLAN: input(
    'station',
    'This serial number is not in the work order.',
    'Set the device aside: its serial is not in this work order. Check its label against the plan.',
  ),
  PLANNED_IN_OTHER_BATCH: input('station', 'This device belongs to another work order.', 'Set it aside and run it with its own work order.'),
  ALREADY_PROVISIONED: input(
    'station',
    'This device already has its certificate.',
    'Take it off the fixture. If it came back for repair, ask the supervisor for a rework.',
  ),
  SERIAL_IN_PROGRESS: input(
    'station',
    'Another port is working on a device with the same serial number.',
    'Set this device aside and check both labels: two devices report the same serial.',
  ),
  QUOTA_REACHED: input('station', 'The work order has used up its quantity.', 'Take the device off. The supervisor closes this work order or opens a new one.'),
  BATCH_CLOSED: input('station', 'The work order is closed.', 'Pick an open work order before starting.'),
  MODEL_MISMATCH: input('station', 'Wrong product on this fixture.', 'Check that the devices match the work order’s product.'),
  PROTOCOL_MISMATCH: input('station', 'The device speaks a different protocol than this product.', 'Check that the devices match the work order’s product.'),
  SERIAL_FORMAT: input('station', 'The device reports a serial number in the wrong format.', REFLASH),
  DUPLICATE_KEY: input(
    'station',
    'Its key is the same as another device’s (cloned or bad secure element).',
    'Quarantine the device and tell QA at once. Do not retry.',
  ),
  REWORK_REQUIRED: input('station', 'The device made a new key but already holds a certificate.', 'Set it aside; a supervisor must approve a rework first.'),
  KEY_ALGORITHM_NOT_ALLOWED: input('station', 'The device made a key type this product does not allow.', REFLASH),
  DEVICE_LOCKED: input('station', 'The device is locked with an identity this station did not confirm.', 'Set it aside and send it to QA.'),
  LINT_SUBJECT_SERIAL_MISSING: input(
    'station',
    'The certificate would lack the serial number the cloud needs.',
    'Stop and call the supervisor: the product policy needs fixing.',
  ),
  LINT_CN_NOT_UNIQUE: input('station', 'Another certificate already has this device’s name.', 'Set the device aside and tell QA.'),
  NONCE_MISMATCH: input('station', 'The device answered with an old request.', 'Power-cycle the device and start the port again.'),
  CSR_INVALID: input('station', 'The device sent a broken certificate request.', SEND_TO_REPAIR),
  CSR_ALLOWANCE_REQUIRED: input(
    'station',
    'This product’s firmware writes its certificate requests in a way the product policy does not accept.',
    'Stop this product and call the product engineer: the message names the allowance the policy would need.',
  ),

  // ── devices and the link to them (technician words)
  DEVICE_CSR_INVALID: input('devices', 'The device’s certificate request has a bad signature.', SEND_TO_REPAIR),
  DEVICE_NONCE_MISMATCH: input('devices', 'The device answered with an old request.', 'Power-cycle the device and start the port again.'),
  DEVICE_READBACK_MISMATCH: input('devices', 'The device stored a different certificate than it was sent.', SEND_TO_REPAIR),
  DEVICE_ATTESTATION_INVALID: input('devices', 'The device could not prove its key was made inside it.', 'Quarantine the device and tell QA.'),
  DEVICE_CHAIN_TOO_LARGE: input('devices', 'The device has no room for the certificates.', SEND_TO_REPAIR),
  DEVICE_ERROR_RESPONSE: input('devices', 'The device refused a step.', POWER_CYCLE),
  DEVICE_UNEXPECTED_RESPONSE: input('devices', 'The device gave an answer that makes no sense.', POWER_CYCLE),
  DEVICE_BAD_PAYLOAD: input('devices', 'The device sent damaged data.', POWER_CYCLE),
  DEVICE_PROTOCOL_UNSUPPORTED: input('devices', 'The device’s firmware is too old or too new for this station.', 'Send it to be re-flashed.'),
  DEVICE_RESET: transient('devices', 'The device restarted in the middle.', RESEAT),
  DEVICE_UNKNOWN: input('devices', 'Something unknown answered on this port.', 'Check what is plugged into this port.'),
  LINK_TIMEOUT: transient('devices', 'The device stopped answering.', RESEAT),
  LINK_CLOSED: transient('devices', 'The device was disconnected.', RESEAT),
  LINK_GARBAGE: transient('devices', 'The cable or port gave garbled data.', GARBLED),
  LINK_LINE_TOO_LONG: transient('devices', 'The cable or port gave garbled data.', GARBLED),
  LINK_OPEN_FAILED: transient('devices', 'The station could not open this port.', 'Check that the fixture is plugged in, then pick the port again.'),
  CBOR_BAD_MAP_KEY: input('cbor', 'The device’s attestation has a map key of the wrong type.', BAD_CBOR),
  CBOR_DUPLICATE_KEY: input('cbor', 'The device’s attestation repeats a map key.', BAD_CBOR),
  CBOR_INDEFINITE_LENGTH: input('cbor', 'The device’s attestation uses an indefinite length.', BAD_CBOR),
  CBOR_INVALID_UTF8: input('cbor', 'The device’s attestation has text that is not valid UTF-8.', BAD_CBOR),
  CBOR_NON_MINIMAL: input('cbor', 'The device’s attestation is not in its shortest encoding.', BAD_CBOR),
  CBOR_TAG_NOT_ALLOWED: input('cbor', 'The device’s attestation carries a tag not accepted here.', BAD_CBOR),
  CBOR_TOO_DEEP: input('cbor', 'The device’s attestation is nested too deep.', BAD_CBOR),
  CBOR_TOO_LARGE: input('cbor', 'The device’s attestation is too large.', BAD_CBOR),
  CBOR_TOO_MANY_ITEMS: input('cbor', 'The device’s attestation has too many elements.', BAD_CBOR),
  CBOR_TRAILING_BYTES: input('cbor', 'The device’s attestation has extra bytes at its end.', BAD_CBOR),
  CBOR_TRUNCATED: input('cbor', 'The device’s attestation ends early.', BAD_CBOR),
  CBOR_UNSUPPORTED: input('cbor', 'The device’s attestation holds a value of a kind not accepted.', BAD_CBOR),

  // ── Matter
  MATTER_NOT_SUPPORTED: input(
    'matter',
    'This device’s firmware has no Matter mode, and this is a Matter work order.',
    'Flash the Matter firmware, then run the device again.',
  ),
  MATTER_READBACK_MISMATCH: input('matter', 'The device stored other Matter factory data than it was sent.', SEND_TO_REPAIR),
  MATTER_LABEL_WRITE_FAILED: fatal(
    'matter',
    'The station could not write this device’s Matter label sheet.',
    'Check the label output folder, then run the device again (it gets fresh factory data).',
  ),
  MATTER_CD_INVALID: input('matter', 'The Certification Declaration is not valid.', 'Give the declaration the CSA issued for this product.'),
  MATTER_CD_REQUIRED: input(
    'matter',
    'A Matter work order needs the product’s Certification Declaration.',
    'Give the declaration the CSA issued for this product.',
  ),
  MATTER_LABEL_OUTPUT_REQUIRED: input('matter', 'A Matter work order needs a folder for its label sheets.', 'Name the label output folder.'),
  MATTER_RULE: input('matter', 'A Matter certificate rule is broken.', 'Correct what the named rule asks for.'),

  // ── manifests
  MANIFEST_BATCH_OPEN: input('manifest', 'The work order is still open.', 'Close the work order before exporting its manifest.'),
  MANIFEST_CHAIN_RACE: transient('manifest', 'Another manifest was recorded at the same time.', 'Run the export again.'),
  MANIFEST_FORMAT_UNKNOWN: input('manifest', 'The export format is not one Hallmark writes.', 'Use one of the listed formats.'),
  MANIFEST_NOT_EXPORTED: input('manifest', 'The work order has no manifest yet.', 'Export the manifest format first.'),
  MANIFEST_OUTPUT_EXISTS: input('manifest', 'The export folder already holds these files.', NEVER_OVERWRITTEN),
  MANIFEST_OUTPUT_UNWRITABLE: fatal('manifest', 'The export folder could not be written.', CHECK_FOLDER),
  MANIFEST_PLAN_INVALID: input('manifest', 'The plan file given to the verifier is not valid.', 'Correct the plan lines the message names.'),
  MANIFEST_SIGNATURE_FAILED: fatal('manifest', 'The manifest could not be signed.', 'Check the manifest signer’s key or token.'),
  MANIFEST_SIGNER_INVALID: input('manifest', 'The manifest signer cannot be used (revoked, expired or damaged).', 'Create a new manifest signer.'),
  MANIFEST_SIGNER_KEY_MISMATCH: input('manifest', 'The key unlocked is not the manifest signer’s key.', 'Unlock the manifest signer’s own key.'),
  MANIFEST_SIGNER_KEY_UNSUPPORTED: input(
    'manifest',
    'The manifest signer’s key is of a type manifests are not signed with.',
    'Create the signer with an ECDSA key.',
  ),
  MANIFEST_SIGNER_MISSING: input('manifest', 'This station has no manifest signer.', 'Create one with hallmark manifest signer create.'),
  MANIFEST_TRUST_INVALID: input('manifest', 'The trust anchors given cannot be used.', 'Give the root certificates as PEM or DER.'),
  MANIFEST_UNREADABLE: input('manifest', 'The manifest cannot be read, or changed since it was verified.', 'Check the manifest folder and verify it again.'),
  MANIFEST_VERIFY_FAILED: input('manifest', 'The manifest failed one or more checks.', 'Do not import it; read the failed checks and ask the factory.'),
  MICROCHIP_KEY_UNSUPPORTED: input('manifest', 'A device’s key cannot be written in the Microchip format.', 'Export this work order in another format.'),
  MICROCHIP_SIGNER_NOT_P256: input('manifest', 'The Microchip format needs a P-256 manifest signer.', 'Create a manifest signer with a P-256 key.'),

  // ── the inventory
  INVENTORY_CHAIN_FORK: input('inventory', 'The factory station’s manifests fork: two differ at the same place.', 'Do not import; report it to the factory.'),
  INVENTORY_CONFLICT: input('inventory', 'Entries of the manifest conflict with the inventory.', 'Read the conflicts; nothing was imported.'),
  INVENTORY_IMPORT_FAILED: input('inventory', 'Some folders were not imported.', 'Read each folder’s reason and import them again when fixed.'),
  INVENTORY_VERIFY_FAILED: input(
    'inventory',
    'The manifest failed its checks, so it was not imported.',
    'Do not import it; read the failed checks and ask the factory.',
  ),
  INVENTORY_RECEIPT_EXISTS: input('inventory', 'The receipt file already exists.', NEVER_OVERWRITTEN),
  INVENTORY_RECEIPT_INVALID: input(
    'inventory',
    'The acknowledgment receipt is not valid for this station.',
    'Check that the receipt belongs to this station’s manifest.',
  ),
  INVENTORY_RECEIPT_UNKNOWN_MANIFEST: input(
    'inventory',
    'The receipt acknowledges a manifest this workspace never recorded.',
    'Check that the receipt belongs to this station.',
  ),
  INVENTORY_RECEIPT_UNWRITABLE: fatal('inventory', 'The receipt file could not be written.', CHECK_FOLDER),
  INVENTORY_SEARCH_INVALID: input('inventory', 'The search text is not valid.', 'Correct the search as the message says.'),
  INVENTORY_KEY_MISMATCH: input('revocation', 'The key unlocked is not this workspace’s inventory key.', 'Unlock the inventory key the workspace names.'),
  INVENTORY_KEY_MISSING: input('revocation', 'This workspace has no inventory key.', 'Create one with hallmark inventory key create.'),
  INVENTORY_KEY_NOT_OWN: input(
    'revocation',
    'The inventory key must be a key of its own, at hand whenever a request is signed.',
    'Create a separate file or token key for the inventory.',
  ),
  INVENTORY_IMMUTABLE: input('inventory', 'Inventory records cannot be changed or deleted.', 'Record a new entry instead.'),
  INVENTORY_DB_AUTH_FAILED: fatal(
    'inventory',
    'The inventory database refused the credentials.',
    'Check the user and password in the inventory database setting.',
  ),
  INVENTORY_DB_CONNECTION_LOST: transient(
    'inventory',
    'The connection to the inventory database was lost; nothing was half-written.',
    'Try again when the database is back.',
  ),
  INVENTORY_DB_CONTENDED: transient('inventory', 'Other importers kept the inventory database busy.', 'Try again.'),
  INVENTORY_DB_ERROR: fatal('inventory', 'The inventory database failed.', 'Call the database administrator; the message names the failure.'),
  INVENTORY_DB_NOT_HALLMARK: input(
    'inventory',
    'The inventory database holds tables that are not Hallmark’s.',
    'Point the setting at a database made for Hallmark.',
  ),
  INVENTORY_DB_PERMISSION_DENIED: fatal('inventory', 'The inventory database denied access.', 'Ask the database administrator to grant the rights.'),
  INVENTORY_DB_SCHEMA_NEWER: input('inventory', 'The inventory database was written by a newer Hallmark.', 'Use that newer version of Hallmark.'),
  INVENTORY_DB_UNREACHABLE: transient('inventory', 'The inventory database cannot be reached.', 'Check the network and the database server, then try again.'),
  INVENTORY_DB_URL_INVALID: input('inventory', 'The inventory database setting is not valid.', 'Correct it with hallmark inventory use-db.'),
  RECONCILE_FINDINGS: input('inventory', 'The registry export and the inventory disagree.', 'Read the report and handle each finding.'),
  RECONCILE_LINE_INVALID: input('inventory', 'A line of the registry export cannot be read.', 'Check the export’s format.'),
  RECONCILE_NOT_A_CERTIFICATE: input('inventory', 'A file of the registry export is not a certificate.', 'Remove it or export the registry again.'),
  RECONCILE_SOURCE_INVALID: input('inventory', 'The registry export cannot be read.', 'Check that the path names the cloud registry’s export.'),
  RECONCILE_TOO_LARGE: input('inventory', 'The registry export is too large.', 'Split the export into smaller parts.'),
  RECONCILE_TOO_MANY_FILES: input('inventory', 'The registry export folder holds too many files.', 'Split the export into smaller folders.'),

  // ── field revocation
  CRL_BUNDLE_INVALID: input('revocation', 'The publication bundle failed its checks; nothing was imported.', 'Ask the CA operators for a good bundle.'),
  CRL_OLDER_THAN_IMPORTED: input('revocation', 'This CRL is not newer than one already imported.', 'Import the newest CRL.'),
  CRL_UNREADABLE: input('revocation', 'The CRL cannot be read.', 'Check that the file is one CRL in PEM or DER.'),
  CRL_UNTRUSTED: input('revocation', 'The CRL’s issuer does not chain to a trusted root.', 'Check that the CRL comes from your CA.'),
  REVOCATION_ALREADY_REQUESTED: input('revocation', 'Revocation is already requested for these certificates.', 'Wait for the CRL that carries them.'),
  REVOCATION_NOT_ACTIVE: input('revocation', 'There is no certificate in service to revoke.', 'Check the selection.'),
  REVOCATION_REQUEST_ALREADY_REVOKED: input('revocation', 'The request names certificates the CA has already revoked.', 'Make a new request without them.'),
  REVOCATION_REQUEST_DUPLICATE: input('revocation', 'The request lists a certificate more than once.', 'Make the request again.'),
  REVOCATION_REQUEST_INVALID: input('revocation', 'The revocation request cannot be read.', 'Make the request again at the inventory.'),
  REVOCATION_REQUEST_OTHER_ISSUER: input('revocation', 'The request names certificates of another CA.', 'Sign it with the CA that issued them.'),
  REVOCATION_REQUEST_SIGNATURE_INVALID: input(
    'revocation',
    'The revocation request’s signature does not verify: it was altered.',
    'Do not act on it; make the request again.',
  ),
  REVOCATION_REQUEST_UNKNOWN_SERIAL: input('revocation', 'The request names serials this CA never issued.', 'Check that the request is for this CA.'),
  REVOCATION_REQUEST_UNTRUSTED: input('revocation', 'The request is signed by a key you did not trust.', 'Give the inventory certificate you trust.'),
  REVOCATION_SELECTION_INVALID: input('revocation', 'The selection of certificates to revoke is not valid.', 'Correct the selection as the message says.'),
  REVOCATION_TRUST_INVALID: input(
    'revocation',
    'The inventory certificate given cannot be used.',
    'Give the inventory certificate exported from the inventory.',
  ),

  // ── operators
  OPERATOR_ACCOUNT_DISABLED: input('operators', 'This account is disabled.', 'Ask a CA administrator.'),
  OPERATOR_ACCOUNT_EXISTS: input('operators', 'An account of that name already exists.', 'Choose another name.'),
  OPERATOR_ACCOUNT_LOCKED: input('operators', 'This account is locked after too many wrong credentials.', 'Ask a CA administrator to unlock it.'),
  OPERATOR_ACCOUNT_NOT_FOUND: input('operators', 'No such account exists.', 'Check the account name.'),
  OPERATOR_ACCOUNTS_EXIST: input('operators', 'This workspace already has accounts.', 'Have a CA administrator create the new account.'),
  OPERATOR_CREDENTIAL_INVALID: input('operators', 'The credential is wrong or cannot be checked.', 'Type it again; an account locks after a few wrong tries.'),
  OPERATOR_CREDENTIAL_REQUIRED: input('operators', 'This action needs an operator’s credentials.', 'Sign in with an account that has the role.'),
  OPERATOR_CREDENTIAL_WEAK: input('operators', 'The password or PIN is too short or too long.', 'Choose another as the message says.'),
  OPERATOR_IDLE_LOCK_INVALID: input('operators', 'The idle lock time is out of range.', 'Give a number of seconds in the range the message names.'),
  OPERATOR_LAST_ADMINISTRATOR: input('operators', 'This is the last CA administrator.', 'Create another CA administrator first.'),
  OPERATOR_NAME_INVALID: input('operators', 'The account name is not allowed.', 'Use letters, digits, dots, underscores, at signs or dashes.'),
  OPERATOR_NAME_REQUIRED: input('operators', 'The operator’s name is needed.', 'Type the operator’s name.'),
  OPERATOR_NOT_SIGNED_IN: input('operators', 'Nobody is signed in, or the screen locked.', 'Sign in and try again.'),
  OPERATOR_ROLE_INVALID: input('operators', 'The role is not one Hallmark knows, or none was given.', 'Give at least one of the listed roles.'),
  OPERATOR_ROLE_MISSING: input('operators', 'This account lacks the role the action needs.', 'Ask someone with the role.'),

  // ── ceremonies
  CEREMONY_ABORTED: input('ceremony', 'The ceremony was aborted.', 'Start a new ceremony when ready.'),
  CEREMONY_ACK_INVALID: input(
    'ceremony',
    'The acknowledgment does not match what the ceremony waits for.',
    'Refresh the screen and acknowledge the current step.',
  ),
  CEREMONY_ACK_MISSING: input('ceremony', 'A required acknowledgment is missing.', 'Have each role acknowledge the step.'),
  CEREMONY_BINDING_CHANGED: input('ceremony', 'The environment binding changed since it was approved.', 'Have the binding approved again.'),
  CEREMONY_BINDING_INVALID: input('ceremony', 'The environment binding is not valid.', 'Correct the binding as the message says.'),
  CEREMONY_BUSY: input('ceremony', 'Another ceremony is running.', 'Finish or abort it first.'),
  CEREMONY_FINISHED: input('ceremony', 'The ceremony has already ended.', 'Start a new ceremony.'),
  CEREMONY_GUARD: input('ceremony', 'The script breaks one of the ceremony’s safety limits.', 'Correct the script as the message says.'),
  CEREMONY_HASH_MISMATCH: input(
    'ceremony',
    'The script or binding is not the one whose hash was approved.',
    'Check the approved hash against the script and binding.',
  ),
  CEREMONY_INTERRUPTED: input('ceremony', 'The ceremony is not in a state that allows this.', 'Check the ceremony’s status in the register.'),
  CEREMONY_LIVE: input('ceremony', 'The ceremony is running on this screen now.', 'Stop it from its run view.'),
  CEREMONY_NOT_APPROVED: input('ceremony', 'The script and binding have not been approved.', 'Have the approvers confirm the hash.'),
  CEREMONY_NOT_FOUND: input('ceremony', 'No such ceremony is in this workspace.', 'Check the ceremony’s id.'),
  CEREMONY_NOT_INTERRUPTED: input('ceremony', 'Only an interrupted ceremony can be resumed or abandoned.', 'Check the ceremony’s status in the register.'),
  CEREMONY_OUTPUT_EXISTS: input('ceremony', 'The output folder already holds these files.', NEVER_OVERWRITTEN),
  CEREMONY_OUTPUT_UNWRITABLE: fatal('ceremony', 'The output folder could not be written.', 'Check the output medium, then try again.'),
  CEREMONY_PREFLIGHT_FAILED: input('ceremony', 'The pre-flight checks failed.', 'Fix the failed checks before starting.'),
  CEREMONY_REHEARSAL_DIFFERS: input('ceremony', 'The ceremony differs from its rehearsal.', 'Check the fields named, or rehearse again.'),
  CEREMONY_REHEARSAL_INVALID: input('ceremony', 'The rehearsal record cannot be read.', 'Give the rehearsal’s record file.'),
  CEREMONY_RESTORE_FAILED: input('ceremony', 'The key could not be restored.', 'Check the shares and the token as the message says.'),
  CEREMONY_SCRIPT_INVALID: input('ceremony', 'The ceremony script is not valid.', 'Correct the script as the message says.'),
  CEREMONY_SECRET_SOURCE_REFUSED: input(
    'ceremony',
    'The binding names an unattended secret source the approved binding does not allow.',
    'Type the secret at its step, or have such sources approved.',
  ),
  CEREMONY_SECRET_BUSY: input('ceremony', 'The ceremony is already waiting for a secret.', 'Answer the prompt on the screen.'),
  CEREMONY_SECRET_UNEXPECTED: input('ceremony', 'The ceremony is not waiting for this secret.', 'Refresh the screen and answer the current prompt.'),
  CEREMONY_SHARE_MISMATCH: input('ceremony', 'A custodian’s share text was not accepted.', 'Have the custodian type the share again.'),
  CEREMONY_SHARE_TEXT_BUSY: input('ceremony', 'The ceremony is already waiting for a share text.', 'Answer the prompt on the screen.'),
  CEREMONY_SHARE_TEXT_UNEXPECTED: input('ceremony', 'The ceremony is not waiting for this share text.', 'Refresh the screen and answer the current prompt.'),
  CEREMONY_TRANSCRIPT_INVALID: input(
    'ceremony',
    'The ceremony transcript or its outputs failed their checks.',
    'Treat the outputs as not genuine; abort or re-run the ceremony.',
  ),
  CEREMONY_TYPE_BACK_FAILED: input('ceremony', 'A custodian could not type their share back.', 'Print the sheet again and repeat the type-back.'),
  CEREMONY_TYPE_BACK_UNAVAILABLE: input('ceremony', 'The share type-back cannot run here.', 'Run the ceremony where the custodians can type.'),
  CEREMONY_UNSUPPORTED: input('ceremony', 'The ceremony asks for something this Hallmark cannot do.', 'Correct the script as the message says.'),
  PUBLICATION_INPUT_INVALID: input('ceremony', 'The publication bundle cannot be built from this input.', 'Correct what the message names.'),
  PUBLICATION_UNREADABLE: input('ceremony', 'The publication bundle cannot be read.', 'Check that the folder is the bundle meant.'),
  PUBLICATION_VERIFY_FAILED: input('ceremony', 'The publication bundle failed its checks.', 'Treat the bundle as not genuine; ask the CA operators.'),
};

/** The entry for a code, or undefined for one the catalogue does not know (a bug the test catches). */
export function catalogueEntry(code: string): ErrorCatalogueEntry | undefined {
  return Object.hasOwn(ERROR_CATALOGUE, code) ? ERROR_CATALOGUE[code] : undefined;
}
