import { describe, expect, it } from 'vitest';
import { stageBlock, stageFollows } from '../src/lib/chair-guards';
import { isPresenterSlot, presenterName, presenterPost, stageKey } from '../src/state/select';
import type { SlotKind, SlotView } from '../src/protocol/view';

const timer = { limit_ms: 300_000, used_ms: 0, running_since: null };
function item(kind: SlotKind, stage: SlotView['stage'], title = '开幕讲话'): SlotView {
  const presenter = kind === 'presenter' ? { id: 'p1', name: '黄明军', post: '区水务局局长' } : null;
  return { id: 'r0', kind, title, mode: 'oral', presenter, stage, report: timer, qa: timer };
}

describe('agenda items that are not presenters', () => {
  it('go waiting → reporting → done, as the engine has it', () => {
    for (const kind of ['remark', 'break'] as const) {
      expect(stageFollows(item(kind, 'waiting'), 'reporting')).toBe(true);
      expect(stageFollows(item(kind, 'waiting'), 'questioning')).toBe(false);
      expect(stageFollows(item(kind, 'waiting'), 'done')).toBe(false);
      expect(stageFollows(item(kind, 'reporting'), 'done')).toBe(true);
      expect(stageFollows(item(kind, 'reporting'), 'questioning')).toBe(false);
      expect(stageBlock('in_session', item(kind, 'reporting'), 'evaluating', false)).toBe('stageOrder');
    }
    expect(stageFollows(item('presenter', 'reporting'), 'questioning')).toBe(true);
  });
  it('a written mode does not stop a remark from running its timer', () => {
    expect(stageBlock('in_session', { ...item('remark', 'waiting'), mode: 'written' }, 'reporting', false)).toBeNull();
  });
  it('are named by their title, with no post, and called 讲话中 / 休息中 while running', () => {
    const remark = item('remark', 'reporting');
    expect(isPresenterSlot(remark)).toBe(false);
    expect(presenterName(remark)).toBe('开幕讲话');
    expect(presenterPost(remark)).toBe('');
    expect(stageKey(remark)).toBe('agendaItem.on.remark');
    expect(stageKey(item('break', 'reporting', '休息'))).toBe('agendaItem.on.break');
    expect(stageKey(item('break', 'done', '休息'))).toBe('stage.done');
    const presenter = item('presenter', 'reporting');
    expect(isPresenterSlot(presenter)).toBe(true);
    expect(presenterName(presenter)).toBe('黄明军');
    expect(stageKey(presenter)).toBe('stage.reporting');
  });
});

describe('undoing a step on a remark', async () => {
  const { backTo, stageStepLabel } = await import('../src/state/chair-steps');
  it('names the step as the chair started it', () => {
    expect(stageStepLabel(item('remark', 'waiting'), 'reporting')).toBe('开始讲话');
    expect(stageStepLabel(item('break', 'waiting'), 'reporting')).toBe('开始休息');
    expect(stageStepLabel(item('remark', 'reporting'), 'done')).toBe('进入已结束');
    expect(stageStepLabel(item('presenter', 'waiting'), 'reporting')).toBe('进入述职');
  });
  const kinds = (rs: Array<{ type: string; stage?: string; timer?: string }>) => rs.map((r) => [r.type, r.stage ?? r.timer ?? ''].join(' ').trim());
  it('goes back only through the stages a remark has (never questioning)', () => {
    expect(kinds(backTo(item('remark', 'reporting'), 'reporting', 'waiting', null))).toEqual(['begin_stage done', 'call_slot']);
    expect(kinds(backTo(item('remark', 'waiting'), 'waiting', 'waiting', null))).toEqual([
      'begin_stage reporting',
      'begin_stage done',
      'call_slot',
    ]);
    expect(kinds(backTo(item('remark', 'done'), 'done', 'reporting', 'report'))).toEqual(['call_slot', 'begin_stage reporting']);
  });
});
