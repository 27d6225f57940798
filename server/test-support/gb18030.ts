// GB18030 (GBK range) encoding for fixtures: Node's TextEncoder only writes UTF-8.

let table: Map<string, number[]> | undefined;

/** Encodes `text` as GB18030; ASCII stays one byte, every Chinese character in GBK takes two. */
export function encodeGb18030(text: string): Uint8Array {
  table ??= buildTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const encoded = table.get(char);
    if (!encoded) throw new Error(`no GBK code for ${char}`);
    bytes.push(...encoded);
  }
  return Uint8Array.from(bytes);
}

function buildTable(): Map<string, number[]> {
  const decoder = new TextDecoder('gb18030');
  const map = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(Uint8Array.from([lead, trail]));
      if (char.length === 1 && char !== '\uFFFD' && !map.has(char)) map.set(char, [lead, trail]);
    }
  }
  return map;
}
