// Loads one document for the source panel.
import { useCallback, useEffect, useState } from 'react';
import { type ErrorInfo, toErrorInfo } from '../../../lib/api-error';
import { getDocument } from '../api/get-document';
import type { DocumentDetail } from '../api/types';

export type DocumentState =
  | { status: 'loading' }
  | { status: 'error'; error: ErrorInfo }
  | { status: 'ready'; document: DocumentDetail };

export function useDocument(id: string): { state: DocumentState; reload: () => void } {
  const [state, setState] = useState<DocumentState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    getDocument(id).then(
      (document) => current && setState({ status: 'ready', document }),
      (error: unknown) => current && setState({ status: 'error', error: toErrorInfo(error) }),
    );
    return () => {
      current = false;
    };
  }, [id, attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return { state, reload };
}
