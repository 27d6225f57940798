import { describe, expect, it } from 'vitest';
import type { DocumentSummary } from '../api/types';
import { groupLibrary } from './group-library';

const doc = (id: string, extra: Partial<DocumentSummary> = {}): DocumentSummary => ({ id, title: id, chunks: 1, chars: 10, ...extra });

describe('groupLibrary', () => {
  it('lists plain documents as they come', () => {
    expect(groupLibrary([doc('a'), doc('b')]).map((entry) => entry.kind === 'document' && entry.document.id)).toEqual(['a', 'b']);
  });

  it('puts copies under their canonical document', () => {
    const entries = groupLibrary([doc('copy', { duplicateOf: 'main' }), doc('main', { duplicates: ['copy'] }), doc('other')]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ kind: 'document', document: { id: 'main' }, copies: [{ id: 'copy' }] });
  });

  it('keeps a copy whose canonical document is gone as a document of its own', () => {
    expect(groupLibrary([doc('copy', { duplicateOf: 'removed' })])).toMatchObject([{ kind: 'document', document: { id: 'copy' } }]);
  });

  it('gathers the versions of one document, newest first, where the first of them stood', () => {
    const group = { title: '专利法实施细则', versions: [{ id: 'v2023', date: '2023-12-11' }, { id: 'v2010', date: '2010-01-09' }], newest: 'v2023' };
    const entries = groupLibrary([doc('first'), doc('v2010', { versionGroup: group }), doc('middle'), doc('v2023', { versionGroup: group })]);
    expect(entries.map((entry) => entry.kind)).toEqual(['document', 'versions', 'document']);
    expect(entries[1]).toMatchObject({ kind: 'versions', title: '专利法实施细则', newest: 'v2023', versions: [{ document: { id: 'v2023' } }, { document: { id: 'v2010' } }] });
  });

  it('shows a lone remaining version as a plain document', () => {
    const group = { title: 't', versions: [{ id: 'v2' }, { id: 'v1' }], newest: 'v2' };
    expect(groupLibrary([doc('v1', { versionGroup: group })])).toMatchObject([{ kind: 'document', document: { id: 'v1' } }]);
  });
});
