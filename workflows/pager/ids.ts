// Every name a person's pager goes by, built and parsed here and nowhere else.

/** A catalog person id as it may appear in a workflow id: no `:` (the separator). */
const personIdPattern = /^[A-Za-z0-9._\-@+=]{1,100}$/;

/**
 * The workflow that pages one person across incidents: `pager:<person id>`,
 * e.g. `pager:bob`. Person ids come from the on-call catalog, never from an
 * alert; one that cannot be spelled in an id is refused rather than hashed,
 * so every pager's id parses back to its person.
 */
export function pagerWorkflowId(personId: string): string {
  if (!personIdPattern.test(personId))
    throw new Error(`person id ${JSON.stringify(personId)} cannot name a pager workflow`);
  return `pager:${personId}`;
}

/** The person a pager's workflow id names, or undefined for any other id. */
export function personOfPagerWorkflowId(workflowId: string): string | undefined {
  const match = /^pager:(.+)$/.exec(workflowId);
  return match && personIdPattern.test(match[1]!) ? match[1] : undefined;
}
