import { type SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

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
  /** Finds an open incident's workflow even when MongoDB has no copy of it yet. */
  incidentId: defineSearchAttributeKey('FirelineIncidentId', 'KEYWORD'),
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
