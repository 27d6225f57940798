// Loads the document library once; exposes loading/error state and a reload for the 重试 button.
import { useCallback, useEffect, useState } from 'react';
import { type ErrorInfo, toErrorInfo } from '../../../lib/api-error';
import { getDocuments } from '../api/get-documents';
import type { DocumentSummary } from '../api/types';

export type DocumentsState =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorInfo }
  | { status: 'ready'; documents: DocumentSummary[] };

export function useDocuments(): { state: DocumentsState; reload: () => void } {
  const [state, setState] = useState<DocumentsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    getDocuments(controller.signal).then(
      (documents) => setState({ status: 'ready', documents }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: toErrorInfo(error) });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return { state, reload };
}
