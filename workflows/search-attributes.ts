import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

// Same shape as @temporalio/common's defineSearchAttributeKey; written here so
// workflow code imports nothing at runtime beyond @temporalio/workflow.
function defineSearchAttributeKey<T extends SearchAttributeType>(
  name: string,
  type: T,
): SearchAttributeKey<T> {
  return { name, type };
}

/**
 * Typed search attributes of Fireline's workflows: the one list the workflows
 * upsert, the API filters on and the local stack registers with Temporal.
 */
export const searchAttributes = {
  service: defineSearchAttributeKey('FirelineService', 'KEYWORD'),
  severity: defineSearchAttributeKey('FirelineSeverity', 'KEYWORD'),
  priority: defineSearchAttributeKey('FirelinePriority', 'KEYWORD'),
  status: defineSearchAttributeKey('FirelineStatus', 'KEYWORD'),
  team: defineSearchAttributeKey('FirelineTeam', 'KEYWORD'),
};

/** Temporal's names for the index value types, as the CLI and operator service spell them. */
export const searchAttributeCliTypes: Record<SearchAttributeType, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
} as const;
