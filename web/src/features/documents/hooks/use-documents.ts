// Loads the document library; exposes loading/error state, a reload for the 重试 button, and a quiet
// refresh after the library changed (the list stays on screen while the new one loads).
import { useCallback, useEffect, useState } from 'react';
import { type ErrorInfo, toErrorInfo } from '../../../lib/api-error';
import { getDocuments } from '../api/get-documents';
import type { DocumentSummary, UploadPolicy } from '../api/types';

export type DocumentsState =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorInfo }
  | { status: 'ready'; documents: DocumentSummary[]; uploads: UploadPolicy | null };

export function useDocuments(): { state: DocumentsState; reload: () => void; refresh: () => Promise<void>; version: number } {
  const [state, setState] = useState<DocumentsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // Counts changes to the library, so other parts of the page (the health line) can follow.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    getDocuments(controller.signal).then(
      (library) => setState({ status: 'ready', ...library }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: toErrorInfo(error) });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  const refresh = useCallback(async () => {
    setVersion((value) => value + 1);
    try {
      const library = await getDocuments();
      setState({ status: 'ready', ...library });
    } catch (error) {
      setState({ status: 'error', error: toErrorInfo(error) });
    }
  }, []);
  return { state, reload, refresh, version };
}
