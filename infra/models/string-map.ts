/**
 * Label and annotation maps as stored: a list of name/value pairs. MongoDB's
 * wire servers differ on which field names they accept (FerretDB refuses a
 * `.` or a leading `$`; MongoDB before 5 did too), and Prometheus 3 and
 * OpenTelemetry allow any UTF-8 name, so names are kept as values, never as keys.
 */
export interface StoredPair {
  name: string;
  value: string;
}

export function toStoredPairs(map: Record<string, string>): StoredPair[] {
  return Object.entries(map).map(([name, value]) => ({ name, value }));
}

/** Also reads the plain-object form, which older documents and other writers may hold. */
export function fromStoredPairs(
  stored: StoredPair[] | Record<string, string> | undefined,
): Record<string, string> {
  if (!stored) return {};
  // Object.fromEntries defines properties, so even a `__proto__` name comes back as a label.
  if (Array.isArray(stored)) return Object.fromEntries(stored.map(({ name, value }) => [name, value]));
  return { ...stored };
}
