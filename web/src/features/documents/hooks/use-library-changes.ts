// Adding files (one request per file, in order, each with its own state: uploading → indexing → done or
// the reason it was refused) and removing a document. Refused files change nothing on the server.
import { useCallback, useRef, useState } from 'react';
import { describeError, toErrorInfo } from '../../../lib/api-error';
import { forgetDocument } from '../api/get-document';
import { removeDocument } from '../api/remove-document';
import type { DocumentSummary, UploadPolicy } from '../api/types';
import { uploadDocument } from '../api/upload-document';
import { describeUploadError, precheckUpload } from '../utils/describe-upload-error';

export type UploadStatus = 'waiting' | 'uploading' | 'indexing' | 'done' | 'error';

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  status: UploadStatus;
  /** Share sent while uploading, 0–1. */
  progress: number;
  /** Why it was refused (Chinese). */
  message?: string;
  /** The document it became. */
  document?: { id: string; title: string };
}

export interface Removal {
  id: string;
  title: string;
  status: 'removing' | 'done' | 'error';
  message?: string;
}

let nextKey = 0;

export function useLibraryChanges({ policy, onChanged }: { policy: UploadPolicy | null; onChanged: () => Promise<void> | void }) {
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [removal, setRemoval] = useState<Removal | null>(null);
  const queue = useRef<{ key: string; file: File }[]>([]);
  const pumping = useRef(false);

  const update = useCallback((key: string, change: Partial<UploadItem>) => {
    setUploads((items) => items.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const pump = useCallback(async () => {
    if (pumping.current) return;
    pumping.current = true;
    try {
      for (let next = queue.current.shift(); next; next = queue.current.shift()) {
        const { key, file } = next;
        update(key, { status: 'uploading', progress: 0 });
        try {
          const added = await uploadDocument(file, {
            onProgress: (progress) => update(key, { progress }),
            onSent: () => update(key, { status: 'indexing', progress: 1 }),
          });
          const document = added.documents[0];
          update(key, { status: 'done', progress: 1, document: document ? { id: document.id, title: document.title } : undefined });
          await onChanged();
        } catch (error) {
          update(key, { status: 'error', message: describeUploadError(toErrorInfo(error), file.name, { maxFileBytes: policy?.maxFileBytes }) });
        }
      }
    } finally {
      pumping.current = false;
    }
  }, [onChanged, policy, update]);

  const addFiles = useCallback(
    (files: readonly File[]) => {
      if (!policy?.allowed || files.length === 0) return;
      const items: UploadItem[] = files.map((file) => {
        const key = `upload-${nextKey++}`;
        const refused = precheckUpload(file, policy);
        if (refused) return { key, name: file.name, size: file.size, status: 'error', progress: 0, message: describeUploadError(refused, file.name, policy) };
        queue.current.push({ key, file });
        return { key, name: file.name, size: file.size, status: 'waiting', progress: 0 };
      });
      // Newest batch on top, in the order the files were chosen (the order they are sent in).
      setUploads((current) => [...items, ...current].slice(0, 30));
      void pump();
    },
    [policy, pump],
  );

  const dismiss = useCallback((key: string) => setUploads((items) => items.filter((item) => item.key !== key)), []);

  const remove = useCallback(
    async (document: Pick<DocumentSummary, 'id' | 'title'>) => {
      setRemoval({ id: document.id, title: document.title, status: 'removing' });
      try {
        await removeDocument(document.id);
        forgetDocument(document.id);
        setRemoval({ id: document.id, title: document.title, status: 'done' });
        await onChanged();
      } catch (error) {
        setRemoval({ id: document.id, title: document.title, status: 'error', message: describeError(toErrorInfo(error)) });
      }
    },
    [onChanged],
  );

  const busy = uploads.some((item) => item.status === 'waiting' || item.status === 'uploading' || item.status === 'indexing') || removal?.status === 'removing';
  return { uploads, addFiles, dismiss, removal, remove, clearRemoval: () => setRemoval(null), busy };
}
