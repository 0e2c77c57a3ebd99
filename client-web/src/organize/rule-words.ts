// A scoring rule read back in words, as `dais check` prints it (server/app/cmd_check.cpp, print_rule), in the
// language of the page: what is computed, which verdict when, which flags, how presenters are ranked.
import type { Comparison, Fraction, HearingDefinition, ScoringRule, ShareBase } from './definition';

type Translate = (key: string, params?: Record<string, unknown>) => string;

const SIGN: Record<Comparison, string> = { at_least: '≥', more_than: '>', less_than: '<', at_most: '≤' };

// Numbers as people write them: no trailing zeros, at most four decimals.
export function plainNumber(n: number): string {
  return String(Math.round(n * 10000) / 10000);
}

function fraction(f: Fraction): string {
  return `${f[0]}/${f[1]}`;
}

// A grade's label as the sheets that use the rule print it (ids are for machines).
function gradeLabel(d: HearingDefinition, rule: ScoringRule, id: string): string {
  for (const tpl of d.ballot_templates) {
    if (tpl.rule !== rule.id) continue;
    for (const dim of tpl.dimensions) {
      const g = dim.grades.find((x) => x.id === id);
      if (g) return g.label;
    }
  }
  return id;
}

function dimensionLabel(d: HearingDefinition, rule: ScoringRule, id: string): string {
  for (const tpl of d.ballot_templates) {
    if (tpl.rule !== rule.id) continue;
    const dim = tpl.dimensions.find((x) => x.id === id);
    if (dim) return dim.label;
  }
  return id;
}

function gradeSum(d: HearingDefinition, rule: ScoringRule, ids: string[]): string {
  return ids.map((id) => gradeLabel(d, rule, id)).join(' + ');
}

// The lines describing the rule: satisfaction (when it has satisfied grades), points, verdict, flags, ranking.
export function ruleInWords(d: HearingDefinition, rule: ScoringRule, t: Translate): string[] {
  const scope = rule.dimension
    ? t('prepare.words.oneDimension', { dimension: dimensionLabel(d, rule, rule.dimension) })
    : t('prepare.words.pooled');
  const lines: string[] = [];
  if (rule.satisfied_grades?.length) {
    lines.push(t('prepare.words.satisfaction', { grades: gradeSum(d, rule, rule.satisfied_grades), scope }));
  }
  lines.push(t(rule.weight_groups ? 'prepare.words.pointsWeighted' : 'prepare.words.points', { scope }));

  const verdicts: string[] = [];
  for (const c of rule.shares ?? []) {
    verdicts.push(
      t('prepare.words.share', {
        verdict: c.verdict,
        grades: gradeSum(d, rule, c.grades),
        op: SIGN[c.op],
        share: fraction(c.share),
        base: t(`prepare.words.base.${(c.of ?? 'valid') as ShareBase}`),
      }),
    );
  }
  const bands = [...(rule.bands ?? [])].sort((a, b) => b.min - a.min);
  for (const b of bands) verdicts.push(t('prepare.words.band', { verdict: b.verdict, min: plainNumber(b.min) }));
  if (rule.otherwise) verdicts.push(t('prepare.words.otherwise', { verdict: rule.otherwise }));
  else if (verdicts.length) verdicts.push(t('prepare.words.noVerdict'));
  // A rule with no verdict at all only measures (satisfaction, points, flags, rank).
  lines.push(verdicts.length ? t('prepare.words.verdict', { list: verdicts.join(t('prepare.words.separator')) }) : t('prepare.words.noVerdicts'));

  for (const f of rule.flags ?? []) {
    const satisfaction = f.metric === 'satisfaction';
    lines.push(
      t('prepare.words.flag', {
        label: f.label,
        metric: t(`prepare.words.metric.${f.metric}`),
        op: SIGN[f.op],
        threshold: satisfaction ? `${plainNumber(f.threshold * 100)}%` : plainNumber(f.threshold),
      }),
    );
  }
  lines.push(t('prepare.words.ranked', { metric: t(`prepare.words.metric.${rule.rank_by ?? 'points'}`) }));
  return lines;
}
