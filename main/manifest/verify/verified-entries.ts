import type { DeviceEntry } from '../format/manifest-document.js';

/**
 * The entries of a verified manifest kept for the QA drill-down: each entry's JSON in one
 * buffer with its offsets, so opening entry i parses ~1 KiB instead of re-reading and
 * re-parsing the whole manifest (122 MiB at 100,000 devices), and the lot crosses from
 * the worker as two transferred buffers. Filled from the same pass that verified them
 * (VerifyOptions.onEntry), so what is shown is what was verified.
 */
export interface PackedEntries {
  readonly bytes: Uint8Array;
  /** entry i is bytes[offsets[i] .. offsets[i + 1]) */
  readonly offsets: Uint32Array;
}

export class EntryPacker {
  private readonly chunks: Buffer[] = [];
  private readonly pending: string[] = [];
  private pendingLength = 0;
  private readonly ends: number[] = [];
  private length = 0;

  add(entry: DeviceEntry): void {
    const text = JSON.stringify(entry);
    const bytes = Buffer.byteLength(text, 'utf8');
    this.pending.push(text);
    this.pendingLength += bytes;
    this.length += bytes;
    this.ends.push(this.length);
    if (this.pendingLength > 1 << 20) this.spill();
  }

  /** The packed entries in buffers of their own (transferable). */
  finish(): PackedEntries {
    this.spill();
    if (this.length > 0xffffffff) throw new RangeError('the entries exceed 4 GiB');
    const bytes = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    this.chunks.length = 0;
    const offsets = new Uint32Array(this.ends.length + 1);
    offsets.set(this.ends, 1);
    return { bytes, offsets };
  }

  private spill(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Buffer.from(this.pending.join(''), 'utf8'));
    this.pending.length = 0;
    this.pendingLength = 0;
  }
}

export function entryCount(p: PackedEntries): number {
  return Math.max(0, p.offsets.length - 1);
}

/** Entry `index` as it was verified, or null past the end. */
export function entryAt(p: PackedEntries, index: number): DeviceEntry | null {
  if (!Number.isInteger(index) || index < 0 || index >= entryCount(p)) return null;
  const slice = Buffer.from(p.bytes.buffer, p.bytes.byteOffset + p.offsets[index]!, p.offsets[index + 1]! - p.offsets[index]!);
  // written by JSON.stringify from an entry the schema accepted in the same pass
  return JSON.parse(slice.toString('utf8')) as DeviceEntry;
}
