// The fidelity check of an import: who Fireline has on call, stretch by
// stretch, against the vendor's own rendering of the same schedule.

/** One stretch of the vendor's rendering: who (a Fireline person id where matched, else the vendor's name for them). */
export interface VendorShift {
  start: string;
  end: string;
  who: string;
}

/** A stretch where the two disagree; `nobody` where one has nobody on call. */
export interface FidelityDifference {
  start: string;
  end: string;
  fireline: string;
  vendor: string;
}

function whoAt(shifts: Array<{ start: string; end: string; who: string }>, at: number): string {
  return shifts.find((s) => Date.parse(s.start) <= at && at < Date.parse(s.end))?.who ?? 'nobody';
}

/** Every stretch of [from, to) in which Fireline's shifts and the vendor's disagree, merged where they run on. */
export function renderingDifferences(
  fireline: Array<{ start: string; end: string; personId: string }>,
  vendor: VendorShift[],
  from: Date,
  to: Date,
): FidelityDifference[] {
  const ours = fireline.map((s) => ({ start: s.start, end: s.end, who: s.personId }));
  const start = from.getTime();
  const end = to.getTime();
  const edges = new Set<number>([start, end]);
  for (const s of [...ours, ...vendor])
    for (const t of [Date.parse(s.start), Date.parse(s.end)]) if (t > start && t < end) edges.add(t);
  const points = [...edges].sort((a, b) => a - b);
  const differences: FidelityDifference[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const at = points[i]!;
    const mine = whoAt(ours, at);
    const theirs = whoAt(vendor, at);
    if (mine === theirs) continue;
    const last = differences[differences.length - 1];
    const iso = new Date(at).toISOString();
    if (last && last.end === iso && last.fireline === mine && last.vendor === theirs)
      last.end = new Date(points[i + 1]!).toISOString();
    else
      differences.push({
        start: iso,
        end: new Date(points[i + 1]!).toISOString(),
        fireline: mine,
        vendor: theirs,
      });
  }
  return differences;
}

/** The span a vendor rendering covers: from its first stretch's start to its last one's end. */
export function renderingSpan(vendor: VendorShift[]): { from: Date; to: Date } | undefined {
  if (vendor.length === 0) return undefined;
  const starts = vendor.map((s) => Date.parse(s.start));
  const ends = vendor.map((s) => Date.parse(s.end));
  return { from: new Date(Math.min(...starts)), to: new Date(Math.max(...ends)) };
}
