// The first screen's example questions, derived from the library listing (and the outline of the
// document they mostly ask about), following the document scope when one is chosen.
import { useEffect, useMemo, useState } from 'react';
import { getDocument } from '../../documents/api/get-document';
import type { DocumentsState } from '../../documents/hooks/use-documents';
import { buildExampleQuestions, type ExampleQuestions, pickExampleDocuments, pickSectionTopics } from '../utils/example-questions';

export type ExampleState =
  | { status: 'loading' }
  /** The library could not be listed: no examples, rather than examples that may not fit. */
  | { status: 'unavailable' }
  | { status: 'empty'; canUpload: boolean }
  | { status: 'ready'; questions: ExampleQuestions };

export function useExampleQuestions(library: DocumentsState, scope: readonly string[]): ExampleState {
  const documents = library.status === 'ready' ? library.documents : null;
  const picked = useMemo(() => {
    if (!documents) return null;
    const chosen = documents.filter((document) => scope.includes(document.id));
    return pickExampleDocuments(chosen.length > 0 ? chosen : documents, 3);
  }, [documents, scope]);
  const lead = picked?.[0];
  const [outline, setOutline] = useState<{ id: string; topics: string[] } | null>(null);

  useEffect(() => {
    if (!lead) return;
    let current = true;
    getDocument(lead.id).then(
      (document) => current && setOutline({ id: lead.id, topics: pickSectionTopics(document.sections, lead.title, 2) }),
      // Without the outline the examples ask about whole documents.
      () => current && setOutline({ id: lead.id, topics: [] }),
    );
    return () => {
      current = false;
    };
  }, [lead]);

  if (library.status === 'loading') return { status: 'loading' };
  if (library.status === 'error' || !picked) return { status: 'unavailable' };
  if (!lead) return { status: 'empty', canUpload: library.uploads?.allowed ?? false };
  if (outline?.id !== lead.id) return { status: 'loading' };
  return { status: 'ready', questions: buildExampleQuestions({ documents: picked, topics: outline.topics }) };
}
