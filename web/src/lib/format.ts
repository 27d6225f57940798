// Small display formatters shared by the chat and the document views.

/** Wraps a document title in 《》 unless it already is. */
export function formatTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.startsWith('《') && trimmed.endsWith('》')) return trimmed;
  return `《${trimmed}》`;
}

/** Heading path joined the way officials write it: 一、… › （三）… */
export function formatSectionPath(section: readonly string[]): string {
  return section.map((heading) => heading.trim()).filter(Boolean).join(' › ');
}

/** "12,345 字" for a character count. */
export function formatCharCount(chars: number): string {
  if (chars >= 10_000) return `${(chars / 10_000).toFixed(1).replace(/\.0$/, '')} 万字`;
  return `${chars.toLocaleString('zh-CN')} 字`;
}
