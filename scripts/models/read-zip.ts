// Reads named entries out of a zip file (a Maven jar) with node:zlib: no unzip tool or zip package needed.
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** One entry of the archive's central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The entries of a zip archive, read from its central directory (zip64 archives are not supported). */
export function listZipEntries(archive: Buffer): ZipEntry[] {
  // The end-of-central-directory record is in the last 64 KB + 22 bytes (it may be followed by a comment).
  let end = -1;
  for (let offset = archive.length - 22; offset >= Math.max(0, archive.length - 65_557); offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`corrupt zip archive: bad central directory entry ${index}`);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    entries.push({
      name: archive.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: archive.readUInt16LE(offset + 10),
      compressedSize: archive.readUInt32LE(offset + 20),
      size: archive.readUInt32LE(offset + 24),
      localHeaderOffset: archive.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one entry; throws when its method is neither stored nor deflated or its size is wrong. */
export function readZipEntry(archive: Buffer, entry: ZipEntry): Buffer {
  const header = entry.localHeaderOffset;
  if (archive.readUInt32LE(header) !== LOCAL_FILE_HEADER) throw new Error(`corrupt zip archive: bad local header for ${entry.name}`);
  const start = header + 30 + archive.readUInt16LE(header + 26) + archive.readUInt16LE(header + 28);
  const raw = archive.subarray(start, start + entry.compressedSize);
  let bytes: Buffer;
  if (entry.method === STORED) bytes = Buffer.from(raw);
  else if (entry.method === DEFLATED) bytes = inflateRawSync(raw);
  else throw new Error(`${entry.name}: unsupported zip compression method ${entry.method}`);
  if (bytes.length !== entry.size) throw new Error(`${entry.name}: expected ${entry.size} bytes, got ${bytes.length}`);
  return bytes;
}

/** Reads the zip file at `path` and returns the named entries' bytes; a missing name is an error. */
export async function extractZipEntries(path: string, names: string[]): Promise<Map<string, Buffer>> {
  const archive = await readFile(path);
  const entries = new Map(listZipEntries(archive).map((entry) => [entry.name, entry]));
  const extracted = new Map<string, Buffer>();
  for (const name of names) {
    const entry = entries.get(name);
    if (!entry) throw new Error(`${path} has no entry ${name}`);
    extracted.set(name, readZipEntry(archive, entry));
  }
  return extracted;
}
