// Turning results and live tallies into chart rows and ranking lines.
import type { BallotResult, BallotTally, BallotTemplate, BallotView } from '../protocol/view';
import { presenterName, slotById } from './select';

export interface ChartSpec {
  title: string;
  rows: Array<{ label: string; counts: Record<string, number> }>;
  grades: Array<{ id: string; label: string; valid?: boolean }>;
}

// One chart per dimension, one bar per presenter, from a final result or a live tally.
export function chartsFor(
  tpl: BallotTemplate | undefined,
  ballot: BallotView,
  result: BallotResult | undefined,
  tally: BallotTally | undefined,
): ChartSpec[] {
  if (!tpl) return [];
  return tpl.dimensions.map((dim) => ({
    title: dim.label,
    grades: dim.grades.map((g) => ({ id: g.id, label: g.label, valid: g.valid })),
    rows: ballot.slots.map((slotId) => {
      const fromResult = result?.presenters.find((p) => p.slot === slotId)?.dimensions.find((d) => d.dimension === dim.id);
      const counts = fromResult?.counts ?? tally?.sections?.[slotId]?.[dim.id]?.marks ?? {};
      return { label: presenterName(slotById(slotId)) || slotId, counts };
    }),
  }));
}

// For a single-presenter ballot the dimensions are the rows of one chart.
export function chartForOnePresenter(
  tpl: BallotTemplate | undefined,
  slotId: string,
  result: BallotResult | undefined,
  tally: BallotTally | undefined,
  title: string,
): ChartSpec | null {
  if (!tpl) return null;
  const first = tpl.dimensions[0];
  if (!first) return null;
  const sameScale = tpl.dimensions.every(
    (d) => d.grades.map((g) => g.id).join() === first.grades.map((g) => g.id).join(),
  );
  if (!sameScale) return null;
  return {
    title,
    grades: first.grades.map((g) => ({ id: g.id, label: g.label, valid: g.valid })),
    rows: tpl.dimensions.map((dim) => ({
      label: dim.label,
      counts:
        result?.presenters.find((p) => p.slot === slotId)?.dimensions.find((d) => d.dimension === dim.id)?.counts ??
        tally?.sections?.[slotId]?.[dim.id]?.marks ??
        {},
    })),
  };
}
