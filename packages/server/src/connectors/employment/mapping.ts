import type { VerifiedEmployment } from '@openidv/check-employment';
import { ConnectorError } from './connector.ts';
import type { ResponseMapping } from './source-config.ts';

function at(value: unknown, path: string | undefined): unknown {
  if (path === undefined) return undefined;
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const date = (v: unknown): string | null =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v.slice(0, 10)))
    ? v.slice(0, 10)
    : null;
const amount = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** Maps a source's response to timeline items with the configured paths. */
export function mapEmployments(
  body: unknown,
  mapping: ResponseMapping,
  source: { id: string; name: string },
): VerifiedEmployment[] {
  const list = mapping.employments === undefined ? body : at(body, mapping.employments);
  if (!Array.isArray(list)) {
    throw new ConnectorError('SOURCE_BAD_RESPONSE', `The source's response has no employments list.`);
  }
  return list.flatMap((row): VerifiedEmployment[] => {
    const employer = at(row, mapping.employer);
    if (typeof employer !== 'string' || !employer.trim()) return [];
    const payments = at(row, mapping.payments);
    const title = at(row, mapping.jobTitle);
    return [
      {
        employer: employer.trim(),
        jobTitle: typeof title === 'string' && title.trim() ? title.trim() : null,
        startDate: date(at(row, mapping.startDate)),
        endDate: date(at(row, mapping.endDate)),
        annualGross: amount(at(row, mapping.annualGross)),
        payments: (Array.isArray(payments) ? payments : []).flatMap((p) => {
          const d = date(at(p, mapping.paymentDate));
          return d
            ? [
                {
                  date: d,
                  gross: amount(at(p, mapping.paymentGross)),
                  net: amount(at(p, mapping.paymentNet)),
                },
              ]
            : [];
        }),
        sources: [{ kind: 'connector', sourceId: source.id, sourceName: source.name }],
        // The source's own records: as sure as the source is.
        confidence: 1,
      },
    ];
  });
}
