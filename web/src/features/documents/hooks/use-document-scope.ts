// Which documents questions are restricted to; empty means the whole library. Kept across reloads.
import { useCallback, useEffect, useState } from 'react';
import type { DocumentSummary } from '../api/types';

const storageKey = 'policy-cite.scope.v1';

function loadScope(): string[] {
  try {
    const stored = JSON.parse(window.localStorage.getItem(storageKey) ?? '[]') as unknown;
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Selected document ids, pruned to the documents that still exist once the library has loaded. */
export function useDocumentScope(documents: readonly DocumentSummary[] | null) {
  const [selected, setSelected] = useState<string[]>(loadScope);

  useEffect(() => {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(selected));
    } catch {
      // Not persisted; the selection still applies for this visit.
    }
  }, [selected]);

  useEffect(() => {
    if (!documents) return;
    const known = new Set(documents.map((document) => document.id));
    setSelected((current) => (current.every((id) => known.has(id)) ? current : current.filter((id) => known.has(id))));
  }, [documents]);

  const toggle = useCallback((ids: readonly string[], on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      ids.forEach((id) => (on ? next.add(id) : next.delete(id)));
      return [...next];
    });
  }, []);
  const clear = useCallback(() => setSelected([]), []);

  return { selected, toggle, clear };
}

/** Province-level regions: "四川·成都" counts as 四川, "重庆、四川" as both. */
export function regionsOf(document: Pick<DocumentSummary, 'region'>): string[] {
  if (!document.region) return [];
  return [...new Set(document.region.split(/[、，,/／;；\s]+/).map((part) => part.split(/[·・]/)[0].trim()).filter(Boolean))];
}
