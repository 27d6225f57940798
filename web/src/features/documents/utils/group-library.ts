// The library as the reader should see it: copies of one text under their canonical document, and the
// versions of one document together, newest first (ingestion sets duplicateOf / versionGroup).
import type { DocumentSummary } from '../api/types';

export interface LibraryDocument {
  document: DocumentSummary;
  /** Other copies of the same text (from other sites), shown under it. */
  copies: DocumentSummary[];
}

export type LibraryEntry =
  | ({ kind: 'document' } & LibraryDocument)
  | { kind: 'versions'; title: string; newest: string; versions: LibraryDocument[] };

/** Groups the list in its own order (an entry sits where its first member is). */
export function groupLibrary(documents: readonly DocumentSummary[]): LibraryEntry[] {
  const byId = new Map(documents.map((document) => [document.id, document]));
  const copiesOf = new Map<string, DocumentSummary[]>();
  for (const document of documents) {
    if (document.duplicateOf && document.duplicateOf !== document.id && byId.has(document.duplicateOf)) {
      copiesOf.set(document.duplicateOf, [...(copiesOf.get(document.duplicateOf) ?? []), document]);
    }
  }
  const isCopy = (document: DocumentSummary) => Boolean(document.duplicateOf && document.duplicateOf !== document.id && byId.has(document.duplicateOf));
  const entries: LibraryEntry[] = [];
  const placed = new Set<string>();
  for (const document of documents) {
    if (placed.has(document.id) || isCopy(document)) continue;
    const group = document.versionGroup;
    const members = group ? group.versions.map((version) => byId.get(version.id)).filter((member): member is DocumentSummary => Boolean(member) && !isCopy(member!)) : [];
    if (group && members.length > 1 && members.some((member) => member.id === document.id)) {
      for (const member of members) placed.add(member.id);
      entries.push({ kind: 'versions', title: group.title, newest: group.newest, versions: members.map((member) => ({ document: member, copies: copiesOf.get(member.id) ?? [] })) });
      continue;
    }
    placed.add(document.id);
    entries.push({ kind: 'document', document, copies: copiesOf.get(document.id) ?? [] });
  }
  return entries;
}
