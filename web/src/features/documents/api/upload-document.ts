// POST /api/documents for one file, with upload progress (fetch reports none): uploading → indexing → done.
import { ApiError, readErrorResponse } from '../../../lib/api-error';
import type { AddedDocuments } from './types';

export interface UploadCallbacks {
  /** Share of the file sent, 0–1. */
  onProgress?: (sent: number) => void;
  /** The whole file has arrived; the server is checking and indexing it. */
  onSent?: () => void;
}

/** Sends one file as multipart form data; rejects with an ApiError carrying the server's code and details. */
export function uploadDocument(file: File, { onProgress, onSent }: UploadCallbacks = {}, signal?: AbortSignal): Promise<AddedDocuments> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/documents');
    request.setRequestHeader('Accept', 'application/json');
    request.responseType = 'text';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    request.upload.onload = () => onSent?.();
    request.onerror = () => reject(new ApiError({ code: 'network' }));
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    request.onload = async () => {
      const response = new Response(request.status === 204 ? null : request.responseText, {
        status: request.status,
        headers: { 'content-type': request.getResponseHeader('content-type') ?? '', 'retry-after': request.getResponseHeader('retry-after') ?? '' },
      });
      if (!response.ok) {
        reject(await readErrorResponse(response));
        return;
      }
      try {
        resolve((await response.json()) as AddedDocuments);
      } catch {
        reject(new ApiError({ code: 'bad_response', status: request.status }));
      }
    };
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
