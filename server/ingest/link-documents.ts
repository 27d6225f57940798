// Links documents to their copies and versions at ingest: `duplicateOf` / `duplicates` and `versionGroup` on each record.
import type { PolicyDocument } from '../rag/types.js';
import { findDuplicateGroups } from './find-duplicates.js';
import { findVersionGroups } from './find-versions.js';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Sets, in place, `duplicateOf` on every copy and `duplicates` on its canonical document (see
 * `findDuplicateGroups`), then `versionGroup` on every version of a document issued on several dates
 * and on its copies (see `findVersionGroups`; the canonical document stands for its copies, with the
 * date one of them states when it states none itself). Links from
 * an earlier ingest are dropped first, so the links always describe the corpus as it is now.
 * Returns the number of duplicate groups and version groups.
 */
export function linkDocuments(documents: PolicyDocument[]): { duplicateGroups: number; versionGroups: number } {
  for (const document of documents) {
    delete document.duplicateOf;
    delete document.duplicates;
    delete document.versionGroup;
  }
  const dated = (document: PolicyDocument) => (document.date && isoDate.test(document.date) ? document.date : undefined);
  const byId = new Map(documents.map((document) => [document.id, document]));

  const duplicateGroups = findDuplicateGroups(
    documents.map((document) => ({
      id: document.id,
      text: document.text,
      date: dated(document),
      metadata: [document.issuer, document.docNumber, document.date, document.region, document.source].filter(Boolean).length,
    })),
  );
  for (const [canonical, ...copies] of duplicateGroups) {
    byId.get(canonical)!.duplicates = copies;
    for (const copy of copies) byId.get(copy)!.duplicateOf = canonical;
  }

  // A canonical copy takes the date or issuer a copy of it states when it states none itself.
  const ofGroup = (document: PolicyDocument, read: (member: PolicyDocument) => string | undefined) =>
    [document, ...(document.duplicates ?? []).map((id) => byId.get(id)!)].map(read).find(Boolean);
  const versionGroups = findVersionGroups(
    documents
      .filter((document) => !document.duplicateOf)
      .map((document) => ({ id: document.id, title: document.title, date: ofGroup(document, dated), text: document.text, issuer: ofGroup(document, (member) => member.issuer) })),
  );
  for (const group of versionGroups) {
    const versionGroup = { title: group.title, versions: group.versions, newest: group.versions[0].id };
    // The version list names canonical copies; their copies carry the same group.
    for (const version of group.versions) {
      const document = byId.get(version.id)!;
      for (const member of [document, ...(document.duplicates ?? []).map((id) => byId.get(id)!)]) member.versionGroup = versionGroup;
    }
  }
  return { duplicateGroups: duplicateGroups.length, versionGroups: versionGroups.length };
}
