// Links documents to their copies and versions at ingest: `duplicateOf` / `duplicates` and `versionGroup` on each record.
import type { PolicyDocument } from '../rag/types.js';
import { findDuplicateGroups } from './find-duplicates.js';
import { findVersionGroups } from './find-versions.js';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Sets, in place, `duplicateOf` on every copy and `duplicates` on its canonical document (see
 * `findDuplicateGroups`), then `versionGroup` on every version of a document issued on several dates
 * (see `findVersionGroups`; copies are left out, their canonical document stands for them). Links from
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

  const versionGroups = findVersionGroups(
    documents
      .filter((document) => !document.duplicateOf)
      .map((document) => ({ id: document.id, title: document.title, date: dated(document), text: document.text, issuer: document.issuer })),
  );
  for (const group of versionGroups) {
    const versionGroup = { title: group.title, versions: group.versions, newest: group.versions[0].id };
    for (const version of group.versions) byId.get(version.id)!.versionGroup = versionGroup;
  }
  return { duplicateGroups: duplicateGroups.length, versionGroups: versionGroups.length };
}
