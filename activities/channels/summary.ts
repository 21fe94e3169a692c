/** What every channel says first about an incident: `SEV1 P1 MAJOR: Checkout down`. */
export function incidentHeadline(incident: {
  severity: string;
  priority: string;
  major: boolean;
  title: string;
}): string {
  return `${incident.severity} ${incident.priority}${incident.major ? ' MAJOR' : ''}: ${incident.title}`;
}

/** What the summary is built from: a notification's context, or what the Slack app shows of an incident. */
export interface SummarySource {
  incidentId: string;
  service: string;
  team: string;
  severity: string;
  priority: string;
  /** The status, or a sentence about it (`Acknowledged by Dave Test`). */
  status: string;
  alertCount: number;
  /** Why this message is sent (`level 1 (pass 1 of 2)`), for a page. */
  reason?: string;
  /** A major incident's response, names as people read them. */
  response?: { commander?: string; bridgeUrl?: string; responders: string[] };
}

/** One line of the summary; `key` lets a channel show a fact its own way (the bridge as a link). */
export interface SummaryFact {
  key:
    | 'incident'
    | 'service'
    | 'status'
    | 'team'
    | 'severity'
    | 'alerts'
    | 'why'
    | 'commander'
    | 'bridge'
    | 'responders';
  label: string;
  value: string;
}

/** The incident's facts, in the order every channel shows them; what the source does not have is left out. */
export function incidentSummary(source: SummarySource): SummaryFact[] {
  const { response } = source;
  const facts: Array<SummaryFact | false | undefined | ''> = [
    { key: 'incident', label: 'Incident', value: source.incidentId },
    { key: 'service', label: 'Service', value: source.service },
    { key: 'status', label: 'Status', value: source.status },
    { key: 'team', label: 'Team', value: source.team },
    { key: 'severity', label: 'Severity', value: `${source.severity} / ${source.priority}` },
    { key: 'alerts', label: 'Alerts', value: String(source.alertCount) },
    source.reason !== undefined && { key: 'why', label: 'Why', value: source.reason },
    response && { key: 'commander', label: 'Commander', value: response.commander ?? 'unclaimed' },
    response?.bridgeUrl && { key: 'bridge', label: 'Bridge', value: response.bridgeUrl },
    response !== undefined &&
      response.responders.length > 0 && {
        key: 'responders',
        label: 'Responders',
        value: response.responders.join(', '),
      },
  ];
  return facts.filter((fact): fact is SummaryFact => Boolean(fact));
}
