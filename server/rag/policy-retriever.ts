// LangChain adapter: the hybrid index as a BaseRetriever, so it plugs into LangChain chains.
import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { PolicyIndex, SearchOptions } from './policy-index.js';
import type { SearchResult } from './types.js';

export type ClauseMetadata = Omit<SearchResult, 'text'>;

export interface PolicyRetrieverInput extends BaseRetrieverInput, Pick<SearchOptions, 'k' | 'documents' | 'mode'> {
  index: PolicyIndex;
}

/** Retrieves clauses as LangChain documents: `pageContent` is the clause, metadata its citation data. */
export class PolicyRetriever extends BaseRetriever<ClauseMetadata> {
  lc_namespace = ['policy_cite', 'retrievers'];
  private readonly index: PolicyIndex;
  private readonly options: Pick<SearchOptions, 'k' | 'documents' | 'mode'>;

  constructor({ index, k, documents, mode, ...fields }: PolicyRetrieverInput) {
    super(fields);
    this.index = index;
    this.options = { k, documents, mode };
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<ClauseMetadata>[]> {
    const results = await this.index.search(query, this.options);
    return results.map(({ text, ...metadata }) => new Document({ pageContent: text, metadata, id: metadata.chunkId }));
  }
}
