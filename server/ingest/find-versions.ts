// Versions: the same document issued more than once (same title, same issuer, different dates), newest first.

/** A document as version detection sees it. */
export interface VersionCandidate {
  id: string;
  title: string;
  /** YYYY-MM-DD; a document without a date cannot be placed among versions and is left out. */
  date?: string;
  text: string;
  /** When known, versions must share it: two cities' "关于做好…的通知" are not versions of each other. */
  issuer?: string;
}

export interface FoundVersionGroup {
  /** The title as the newest version gives it. */
  title: string;
  /** Newest first, one entry per date. */
  versions: { id: string; date?: string }[];
}

/**
 * Groups documents that are versions of one document: the same title once 《》, spaces, widths and
 * revision notes ("(2019修订)", "（2019年3月24日）") are set aside, compatible issuers, and at least two
 * different dates. Copies (the same text, or the same date) count once: the first given stands for them.
 * Groups come in the order of their newest version's first appearance.
 */
export function findVersionGroups(docs: VersionCandidate[]): FoundVersionGroup[] {
  const byTitle = new Map<string, VersionCandidate[]>();
  for (const doc of docs) {
    if (!doc.date) continue;
    const key = normaliseTitle(doc.title);
    if (key.length < 2) continue;
    const list = byTitle.get(key);
    if (list) list.push(doc);
    else byTitle.set(key, [doc]);
  }
  const order = new Map(docs.map((doc, i) => [doc.id, i]));
  const groups: FoundVersionGroup[] = [];
  for (const sameTitle of byTitle.values()) {
    for (const family of byIssuer(sameTitle)) {
      const seenTexts = new Set<string>();
      const byDate = new Map<string, VersionCandidate>();
      for (const doc of family) {
        const text = doc.text.replace(/\s+/g, '');
        if (seenTexts.has(text) || byDate.has(doc.date!)) continue;
        seenTexts.add(text);
        byDate.set(doc.date!, doc);
      }
      if (byDate.size < 2) continue;
      const versions = [...byDate.values()].sort((a, b) => b.date!.localeCompare(a.date!));
      groups.push({ title: versions[0].title, versions: versions.map(({ id, date }) => ({ id, date })) });
    }
  }
  return groups.sort((a, b) => order.get(a.versions[0].id)! - order.get(b.versions[0].id)!);
}

/** "《不动产登记暂行条例（2019年修订）》" → "不动产登记暂行条例". */
export function normaliseTitle(title: string): string {
  return title
    .replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/[《》〈〉\s]/g, '')
    .replace(/\((?:[^()]*\d{4}[^()]*(?:修订|修正|修改|年|版|日)|\d{4}-\d{1,2}-\d{1,2})\)/g, '')
    .replace(/\(\d{4}\)/g, '');
}

/** Splits documents of one title into families whose known issuers agree (one names the other, or either is unknown). */
function byIssuer(docs: VersionCandidate[]): VersionCandidate[][] {
  const families: { issuers: string[]; docs: VersionCandidate[] }[] = [];
  for (const doc of docs) {
    const issuer = doc.issuer?.replace(/\s+/g, '');
    const family = families.find((candidate) => !issuer || candidate.issuers.every((other) => other.includes(issuer) || issuer.includes(other)));
    if (family) {
      family.docs.push(doc);
      if (issuer) family.issuers.push(issuer);
    } else {
      families.push({ issuers: issuer ? [issuer] : [], docs: [doc] });
    }
  }
  return families.map((family) => family.docs);
}
