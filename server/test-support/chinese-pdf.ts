// A PDF with Chinese text for fixtures, written by hand: a Type0 font (not embedded) whose ToUnicode map
// gives every glyph id its character, which is all text extraction reads. pdf-lib's standard fonts are Latin only.

/** A one-page PDF with one line per entry of `lines` (Chinese, digits and punctuation). */
export function chinesePdf(lines: string[]): Uint8Array {
  const cids = new Map<string, number>();
  for (const char of lines.join('')) if (!cids.has(char)) cids.set(char, cids.size + 1);
  const hex = (value: number) => value.toString(16).padStart(4, '0').toUpperCase();

  const content = lines
    .map((line, i) => `BT /F1 12 Tf 40 ${760 - i * 24} Td <${[...line].map((char) => hex(cids.get(char)!)).join('')}> Tj ET`)
    .join('\n');
  // Each glyph id maps to the character's UTF-16 code units.
  const mappings = [...cids].map(([char, cid]) => `<${hex(cid)}> <${char.split('').map((unit) => hex(unit.charCodeAt(0))).join('')}>`);
  const blocks: string[] = [];
  for (let i = 0; i < mappings.length; i += 100) {
    const block = mappings.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar\n${block.join('\n')}\nendbfchar`);
  }
  const toUnicode = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');

  const stream = (body: string) => `<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    stream(content),
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>',
    stream(toUnicode),
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>',
  ];
  let pdf = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, 'latin1'));
}
