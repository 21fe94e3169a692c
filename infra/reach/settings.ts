/** The names among `names` that have no value. */
export function unsetNames(secrets: Record<string, string | undefined>, names: string[]): string[] {
  return names.filter((name) => !secrets[name]);
}
