/**
 * Device events (csr-accepted, issued) and device certificates say which named CSR deviations (main/x509/csr/csr-allowances.ts) each device certificate's
 * request needed, as a JSON array of allowance names, and the SHA-256 of that request's
 * DER. Written once with the certificate and never changed, so the manifest entry and QA
 * say which devices came with which quirk. Rows from before this schema needed none: the
 * parser then accepted no deviation from a Hallmark-protocol device, and the nRF91
 * driver's NULL parameters were not recorded (NULL csr_sha256 marks those rows).
 */
export default /* sql */ `
ALTER TABLE device_events ADD COLUMN csr_allowances TEXT
  CHECK (csr_allowances IS NULL OR (json_valid(csr_allowances) AND json_type(csr_allowances) = 'array'));

ALTER TABLE device_certificates ADD COLUMN csr_allowances TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(csr_allowances) AND json_type(csr_allowances) = 'array');
ALTER TABLE device_certificates ADD COLUMN csr_sha256 TEXT
  CHECK (csr_sha256 IS NULL OR (length(csr_sha256) = 64 AND csr_sha256 NOT GLOB '*[^0-9a-f]*'));

DROP TRIGGER device_certificates_supersede;
CREATE TRIGGER device_certificates_supersede BEFORE UPDATE ON device_certificates
WHEN NEW.certificate_id IS NOT OLD.certificate_id OR NEW.device_id IS NOT OLD.device_id
  OR NEW.batch_id IS NOT OLD.batch_id OR NEW.spki_sha256 IS NOT OLD.spki_sha256
  OR NEW.csr_allowances IS NOT OLD.csr_allowances OR NEW.csr_sha256 IS NOT OLD.csr_sha256
  OR OLD.superseded_by_rework IS NOT NULL
  OR (SELECT status FROM certificates WHERE id = OLD.certificate_id) IS NOT 'revoked'
BEGIN
  SELECT RAISE(ABORT, 'DEVICE_CERTIFICATE_ACTIVE: a device certificate is superseded once, after it was revoked');
END;
`;
