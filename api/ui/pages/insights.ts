import { Router } from 'express';
import { incidentSeverities, type IncidentSeverity } from '../../../domain/severity';
import { fieldErrorsFrom, HttpError, type FieldError } from '../../errors';
import { insightsOf, insightsQuery } from '../../insights/service';
import { insightsPage, type InsightsForm } from '../views/insights';
import { filledText } from '../form-action';
import { pageContext, sendPage, type UiPage } from './kit';

/** A date field's `2026-01-05` is that day's midnight UTC; a full ISO time passes as it is. */
const instant = (value: string | undefined) =>
  value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;

/** Insights: the API's figures as charts with their tables, for the period and settings the form gives. */
export const insightsPages: UiPage = (kit) => {
  const router = Router();

  router.get('/ui/insights', ...kit.read, async (req, res) => {
    const q = req.query;
    const form: InsightsForm = {
      ...(filledText(q.weeks) ? { weeks: filledText(q.weeks) } : {}),
      ...(filledText(q.from) ? { from: filledText(q.from) } : {}),
      ...(filledText(q.to) ? { to: filledText(q.to) } : {}),
      ...(filledText(q.flapCount) ? { flapCount: filledText(q.flapCount) } : {}),
      ...(filledText(q.flapWindowHours) ? { flapWindowHours: filledText(q.flapWindowHours) } : {}),
      severity: 'SEV1',
    };
    // A period given by its dates wins over the number of weeks the form also sends.
    const parsed = insightsQuery.safeParse({
      ...(form.from || form.to ? { from: instant(form.from), to: instant(form.to) } : { weeks: form.weeks }),
      flapCount: form.flapCount,
      flapWindowHours: form.flapWindowHours,
    });
    if (!parsed.success) {
      sendPage(
        res,
        insightsPage(pageContext(res), undefined, form, fieldErrorsFrom(parsed.error, 'query')),
        400,
      );
      return;
    }
    try {
      const insights = await insightsOf(kit.deps, parsed.data);
      const asked = filledText(q.severity);
      // Unless one is asked for, the worst severity that had incidents (SEV1 when none did).
      form.severity = incidentSeverities.includes(asked as IncidentSeverity)
        ? (asked as IncidentSeverity)
        : (insights.responseTimes.find((r) => r.weeks.some((w) => w.incidents > 0))?.severity ?? 'SEV1');
      sendPage(res, insightsPage(pageContext(res), insights, form));
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      sendPage(
        res,
        insightsPage(
          pageContext(res),
          undefined,
          form,
          (err.details as FieldError[] | undefined) ?? [{ field: 'query', message: err.message }],
        ),
        400,
      );
    }
  });

  return router;
};
