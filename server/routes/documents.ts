// The library: GET /api/documents and GET /api/documents/:id (the corpus as the index holds it),
// POST /api/documents (add files, multipart) and DELETE /api/documents/:id (remove one), behind writeGuard.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.js';
import { checkUpload, uploadExtensions, uploadLimits, type CheckedUpload } from '../ingest/check-upload.js';
import { addDocuments, documentSummary, removeDocument } from '../rag/library-writes.js';
import type { RagService } from '../rag/rag-service.js';
import { isLocalRequest, writeGuard } from './write-guard.js';

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export function documentsRoutes(service: RagService) {
  const guard = writeGuard(service);
  return new Hono()
    .get('/', (c) => {
      const { index } = service;
      return c.json({
        documents: index.documents.map((document) => documentSummary(index, document)),
        // What the page may offer: adding and removing files is open to this machine without a token.
        uploads: {
          allowed: isLocalRequest(c, service.config.TRUST_PROXY),
          maxFileBytes: uploadLimits.fileBytes,
          maxFiles: uploadLimits.files,
          extensions: uploadExtensions,
        },
      });
    })
    .get('/:id', (c) => {
      const { index } = service;
      const document = index.document(c.req.param('id'));
      if (!document) throw new AppError('not_found:document', `No document with id "${c.req.param('id').slice(0, 100)}".`);
      return c.json({
        id: document.id,
        title: document.title,
        region: document.region,
        issuer: document.issuer,
        date: document.date,
        source: document.source,
        text: document.text,
        sections: document.sections,
        chunks: index.chunks.filter((chunk) => chunk.documentId === document.id).map(({ id, start, end, section }) => ({ id, start, end, section })),
      });
    })
    .post(
      '/',
      guard,
      bodyLimit({
        maxSize: uploadLimits.requestBytes,
        onError: () => {
          throw new AppError('file_too_large', `Files are limited to ${megabytes(uploadLimits.fileBytes)} each and ${megabytes(uploadLimits.requestBytes)} per request.`, { details: { reason: 'too_large' } });
        },
      }),
      async (c) => {
        if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')) {
          throw new AppError('unsupported_media_type', 'Send the files as multipart/form-data (one or more parts named "file").');
        }
        let body: Record<string, unknown>;
        try {
          body = await c.req.parseBody({ all: true });
        } catch (error) {
          throw new AppError('bad_request', 'The multipart body could not be read.', { cause: error });
        }
        const files = Object.values(body).flat().filter((value): value is File => value instanceof File);
        if (files.length === 0) throw new AppError('bad_request', 'No file in the request: send one or more parts named "file".');
        if (files.length > uploadLimits.files) throw new AppError('bad_request', `At most ${uploadLimits.files} files per request.`);
        // Every file is checked before any is saved: one bad file changes nothing.
        const checked: CheckedUpload[] = [];
        for (const file of files) checked.push(await checkUpload({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }));
        return c.json(await addDocuments(service, checked), 201);
      },
    )
    .delete('/:id', guard, async (c) => c.json(await removeDocument(service, c.req.param('id'))));
}
