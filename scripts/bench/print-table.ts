// Plain-text tables for the terminal (CJK characters count as two columns).

const width = (text: string) => [...text].reduce((sum, char) => sum + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1), 0);
const pad = (text: string, size: number, right: boolean) => (right ? ' '.repeat(size - width(text)) + text : text + ' '.repeat(size - width(text)));

/** Renders a titled table; numeric-looking cells are right-aligned. */
export function formatTable(title: string, headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === undefined || (typeof cell === 'number' && Number.isNaN(cell)) ? '–' : String(cell))));
  const sizes = headers.map((header, i) => Math.max(width(header), ...cells.map((row) => width(row[i] ?? ''))));
  const numeric = (text: string) => /^[-+]?[\d.,]+( ?[%×x]|ms|s)?$|^–$/.test(text);
  const line = (row: string[]) => row.map((cell, i) => pad(cell, sizes[i], i > 0 && numeric(cell))).join('  ');
  return [`\n${title}`, line(headers), sizes.map((size) => '-'.repeat(size)).join('  '), ...cells.map(line)].join('\n');
}

/** A number with thousands separators and at most `digits` decimals. */
export function formatNumber(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}
