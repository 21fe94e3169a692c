import type { GroupingRules } from '../domain/grouping';

/**
 * Which alerts share one incident: edit this file beside the triage rules.
 * Checked in order, first match wins, with the matchers triage uses; an alert
 * no rule matches joins the open incident of its own dedup key. For example,
 * every Alertmanager alert of one alertname on one cluster, whatever its
 * instance, in one incident:
 *
 *   {
 *     id: 'cluster-alertname',
 *     match: { labels: { cluster: /./, alertname: /./ } },
 *     by: ['service', 'labels.cluster', 'labels.alertname'],
 *   }
 *
 * or, by time, every alert of a service within 10 minutes of the last one:
 *
 *   { id: 'service-10m', match: { service: /./ }, by: ['service'], windowSeconds: 600 }
 */
export const groupingRules: GroupingRules = {
  rules: [],
};
