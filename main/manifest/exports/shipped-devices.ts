import type { DeviceEntry, ManifestCertificate, ManifestDocument } from '../format/manifest-document.js';

export type ShippedDevice = DeviceEntry & { readonly certificate: ManifestCertificate };

/**
 * The devices the online side onboards: confirmed, with their (current, unrevoked)
 * certificate. Failed devices and superseded or revoked certificates are in the manifest
 * and the revocation set, never in an onboarding file.
 */
export function shippedDevices(doc: ManifestDocument): ShippedDevice[] {
  return doc.devices.filter((d): d is ShippedDevice => d.status === 'confirmed' && d.certificate !== null);
}
