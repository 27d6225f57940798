// Column headings of a comparison table: a document title without its wrapper, short enough to scan.

const maxChars = 22;
const tailChars = 9;

/**
 * "《国务院关于印发〈X〉的通知》" → "X"; otherwise the title without 《》. A longer title keeps its
 * head (issuer, place) and its tail (the kind of document) around "…"; the full title shows on hover.
 */
export function shortTitle(title: string): string {
  let short = title.trim().replace(/^《(.*)》$/s, '$1').trim();
  // A notice that only publishes another document is better known by that document's name.
  const published = /^.{0,40}?(?:印发|转发|颁布|公布)[《〈](.+)[》〉]的(?:通知|决定|公告|令)$/s.exec(short);
  if (published) short = published[1].trim();
  const characters = [...short];
  if (characters.length <= maxChars) return short;
  return `${characters.slice(0, maxChars - tailChars - 1).join('')}…${characters.slice(-tailChars).join('')}`;
}
