// A regulation's articles as its text names them: "第十五条" heading an article, and a clause pointing
// at another ("本办法第九条所列内容", "依照本条例第二十条规定").
import type { PolicyDocument, Section } from '../rag/types.js';

/** The marker an enumerated item starts with: "（一）", "一、", "1．", "①". */
export const enumeratedItem = /^\s*(?:[（(][一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十]+、|\d{1,2}[、.．](?!\d)|[①-⑳])/;

/** An article's heading ("第十五条"): its enumerated items belong to it. */
export const articleHeading = /^第[零〇一二三四五六七八九十百千\d]+条/;

/** A document's article section by its heading ("第十五条"). */
export function articleSection(document: PolicyDocument, heading: string): Section | undefined {
  return document.sections.find((section) => section.path[section.path.length - 1] === heading);
}

/** A reference to an article of the same text: the article ("第十五条") and how it is cited (所列, 规定). */
export const articleReference = /本(?:条例|办法|规定|细则|法|决定|准则|规则)(第[零〇一二三四五六七八九十百千\d]+条)(?:第[一二三四五六七八九十\d]+款)?(所列|规定)?/g;
