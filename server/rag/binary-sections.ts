// A binary file of named sections (typed arrays and small JSON values), read with one call and viewed
// without copying: each section starts on an 8-byte boundary, so an Int32Array or Float64Array can sit
// directly on the file's bytes.

export type SectionArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const arrayTypes = { u8: Uint8Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;
type ArrayKind = keyof typeof arrayTypes;

const magic = 'PCSECT01';

interface SectionEntry {
  name: string;
  kind: ArrayKind | 'json';
  offset: number;
  length: number;
}

function kindOf(array: SectionArray): ArrayKind {
  for (const [kind, type] of Object.entries(arrayTypes)) if (array instanceof type) return kind as ArrayKind;
  throw new Error('unsupported section array type');
}

const aligned = (offset: number) => Math.ceil(offset / 8) * 8;

/**
 * Packs named sections into one buffer: the magic, a little-endian u32 header length, the JSON header
 * (section names, kinds, offsets, lengths), then each section 8-byte aligned.
 */
export function packSections(sections: Record<string, SectionArray | unknown>): Buffer {
  const parts: { name: string; kind: ArrayKind | 'json'; bytes: Uint8Array }[] = [];
  for (const [name, value] of Object.entries(sections)) {
    if (ArrayBuffer.isView(value)) {
      const array = value as SectionArray;
      parts.push({ name, kind: kindOf(array), bytes: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) });
    } else {
      parts.push({ name, kind: 'json', bytes: Buffer.from(JSON.stringify(value), 'utf8') });
    }
  }
  // The header's own length decides where data starts: lay out with placeholder offsets, then fix.
  let entries: SectionEntry[] = parts.map((part) => ({ name: part.name, kind: part.kind, offset: 0, length: part.bytes.byteLength }));
  let header = Buffer.from(JSON.stringify(entries), 'utf8');
  // Offsets grow with the header and the header with their digits: a few rounds reach the fixed point.
  for (let attempt = 0; attempt < 16; attempt++) {
    let offset = aligned(magic.length + 4 + header.byteLength);
    entries = parts.map((part) => {
      const entry = { name: part.name, kind: part.kind, offset, length: part.bytes.byteLength };
      offset = aligned(offset + part.bytes.byteLength);
      return entry;
    });
    const next = Buffer.from(JSON.stringify(entries), 'utf8');
    if (next.byteLength === header.byteLength) {
      header = next;
      break;
    }
    header = next;
  }
  const last = entries[entries.length - 1];
  const total = last ? aligned(last.offset + last.length) : aligned(magic.length + 4 + header.byteLength);
  const out = Buffer.alloc(total);
  out.write(magic, 0, 'latin1');
  out.writeUInt32LE(header.byteLength, magic.length);
  header.copy(out, magic.length + 4);
  if (entries.length > 0 && entries[0].offset < magic.length + 4 + header.byteLength) throw new Error('section header overlaps its data');
  parts.forEach((part, i) => out.set(part.bytes, entries[i].offset));
  return out;
}

/** Sections of a packed buffer, as views on its bytes (copied only when the buffer is misaligned). */
export class Sections {
  private readonly entries = new Map<string, SectionEntry>();
  private readonly bytes: Uint8Array;

  constructor(buffer: Uint8Array) {
    if (buffer.byteLength < magic.length + 4 || Buffer.from(buffer.buffer as ArrayBuffer, buffer.byteOffset, magic.length).toString('latin1') !== magic) {
      throw new Error('not a sections file');
    }
    // Typed-array views need the data 8-byte aligned in memory, as it is in the file.
    this.bytes = buffer.byteOffset % 8 === 0 ? buffer : new Uint8Array(buffer);
    const view = Buffer.from(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset, this.bytes.byteLength);
    const headerLength = view.readUInt32LE(magic.length);
    const entries = JSON.parse(view.toString('utf8', magic.length + 4, magic.length + 4 + headerLength)) as SectionEntry[];
    for (const entry of entries) {
      if (entry.offset + entry.length > this.bytes.byteLength) throw new Error(`section ${entry.name} runs past the end of the file`);
      this.entries.set(entry.name, entry);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A typed-array section; throws when it is missing or of another type. */
  array<K extends ArrayKind>(name: string, kind: K): InstanceType<(typeof arrayTypes)[K]> {
    const entry = this.entry(name);
    if (entry.kind !== kind) throw new Error(`section ${name} holds ${entry.kind}, not ${kind}`);
    const type = arrayTypes[kind];
    return new type(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset + entry.offset, entry.length / type.BYTES_PER_ELEMENT) as InstanceType<(typeof arrayTypes)[K]>;
  }

  json<T>(name: string): T {
    const entry = this.entry(name);
    if (entry.kind !== 'json') throw new Error(`section ${name} holds ${entry.kind}, not json`);
    return JSON.parse(Buffer.from(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset + entry.offset, entry.length).toString('utf8')) as T;
  }

  /** A section's raw bytes as a Buffer view (for text stored as UTF-16). */
  raw(name: string): Buffer {
    const entry = this.entry(name);
    return Buffer.from(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset + entry.offset, entry.length);
  }

  private entry(name: string): SectionEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`section ${name} is missing`);
    return entry;
  }
}
