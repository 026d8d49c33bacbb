/**
 * The certificate's CN in its own indexed column: the station checks CN uniqueness (Azure
 * DPS registration ids) for every device, and a scan of every subject cost ~17 ms per
 * check at 100,000 certificates. Rows from before this migration keep NULL and are
 * matched by the slower subject search.
 */
export default /* sql */ `
ALTER TABLE certificates ADD COLUMN common_name TEXT;
CREATE INDEX certificates_by_common_name ON certificates(common_name);
`;
