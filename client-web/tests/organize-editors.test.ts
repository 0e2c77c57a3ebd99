// The organizer's editors for a hearing being prepared, mounted on a preset's definition as the editor shell
// mounts them (v-model, error, readonly): the agenda builder, the sheet editor with its tablet preview and
// rules in words, and the settings form. Each edit comes back as a new definition; the given one never changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, h, nextTick, ref, type App, type Component } from 'vue';
import { i18n } from '../src/i18n';
import AgendaBuilder from '../src/organize/AgendaBuilder.vue';
import SettingsForm from '../src/organize/SettingsForm.vue';
import SheetEditor from '../src/organize/SheetEditor.vue';
import { cloneDefinition, type FieldError, type HearingDefinition } from '../src/organize/definition';
import { presets } from '../src/organize/presets';

function preset(id: string): HearingDefinition {
  const found = presets.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return cloneDefinition(found.definition);
}

// A definition with a remark, two presenters and a break, in that order.
function withRemarks(): HearingDefinition {
  const d = preset('satisfaction');
  d.agenda = [
    { id: 'r1', kind: 'remark', title: '开幕讲话', report_limit_s: 300 },
    ...d.agenda,
    { id: 'b1', kind: 'break', title: '休息', report_limit_s: 600 },
  ];
  return d;
}

let root: HTMLElement;
let app: App | null = null;
const model = ref<HearingDefinition>(preset('satisfaction'));
const given: HearingDefinition[] = [];
const q = (sel: string) => root.querySelector(sel) as HTMLElement | null;
const all = (sel: string) => [...root.querySelectorAll<HTMLElement>(sel)];
const ids = () => model.value.agenda.map((s) => s.id);

async function mount(component: Component, definition: HearingDefinition, opts: { error?: FieldError | null; readonly?: boolean } = {}) {
  model.value = definition;
  given.push(cloneDefinition(definition));
  app = createApp({
    render: () =>
      h(component, {
        modelValue: model.value,
        'onUpdate:modelValue': (d: HearingDefinition) => (model.value = d),
        error: opts.error ?? null,
        readonly: opts.readonly ?? false,
      }),
  });
  app.use(i18n).mount(root);
  await nextTick();
}
function type(el: HTMLElement | null, value: string, event: 'change' | 'input' = 'change') {
  if (!el) throw new Error('no field');
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event(event));
}
function row(slot: string): HTMLElement {
  return q(`.plan-row[data-slot="${slot}"]`) as HTMLElement;
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN';
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  app?.unmount();
  root.remove();
  given.length = 0;
});

describe('agenda builder', () => {
  it('moves an item down and up with its buttons', async () => {
    const d = withRemarks();
    await mount(AgendaBuilder, d);
    expect(ids()).toEqual(['r1', 's1', 's2', 'b1']);
    (row('r1').querySelector('[data-test=slot-down]') as HTMLButtonElement).click();
    await nextTick();
    expect(ids()).toEqual(['s1', 'r1', 's2', 'b1']);
    (row('b1').querySelector('[data-test=slot-up]') as HTMLButtonElement).click();
    await nextTick();
    expect(ids()).toEqual(['s1', 'r1', 'b1', 's2']);
    expect(all('.plan-row').map((r) => r.dataset.slot)).toEqual(['s1', 'r1', 'b1', 's2']);
    // The first item cannot go up, the last cannot go down.
    expect((row('s1').querySelector('[data-test=slot-up]') as HTMLButtonElement).disabled).toBe(true);
    expect((row('s2').querySelector('[data-test=slot-down]') as HTMLButtonElement).disabled).toBe(true);
    expect(d).toEqual(given[0]);
  });

  it('moves an item by dragging its handle onto another row', async () => {
    await mount(AgendaBuilder, withRemarks());
    row('b1').querySelector('[data-test=slot-handle]')!.dispatchEvent(new Event('dragstart'));
    row('r1').dispatchEvent(new Event('dragover', { cancelable: true }));
    row('r1').dispatchEvent(new Event('drop', { cancelable: true }));
    await nextTick();
    expect(ids()).toEqual(['b1', 'r1', 's1', 's2']);
  });

  it('writes a time limit typed in minutes as seconds', async () => {
    const d = withRemarks();
    await mount(AgendaBuilder, d);
    const report = row('s1').querySelector('[data-test=slot-report-minutes]') as HTMLInputElement;
    expect(report.value).toBe('8');
    type(report, '12');
    await nextTick();
    expect(model.value.agenda[1].report_limit_s).toBe(720);
    type(row('s1').querySelector('[data-test=slot-qa-minutes]') as HTMLElement, '7.5');
    await nextTick();
    expect(model.value.agenda[1].qa_budget_s).toBe(450);
    expect(d.agenda[1].report_limit_s).toBe(480);
  });

  it('adds a presenter to the roster and gives them a slot', async () => {
    await mount(AgendaBuilder, preset('points'));
    type(q('[data-test=new-presenter-name]'), '王建华', 'input');
    type(q('[data-test=new-presenter-post]'), '区财政局局长', 'input');
    type(q('[data-test=new-presenter-unit]'), '区财政局', 'input');
    q('[data-test=new-presenter]')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await nextTick();
    const added = model.value.participants.find((p) => p.name === '王建华');
    expect(added?.roles).toEqual(['presenter']);
    expect(model.value.agenda.at(-1)).toMatchObject({ presenter: added?.id, title: '区财政局' });
    const options = [...(row(model.value.agenda.at(-1)!.id).querySelector('[data-test=slot-presenter]') as HTMLSelectElement).options];
    expect(options.map((o) => o.textContent?.trim())).toContain('王建华（区财政局局长）');
  });

  it('pins an error about one item to that item', async () => {
    await mount(AgendaBuilder, withRemarks(), { error: { field: '/agenda/1/presenter', message: "'p9' is not a participant" } });
    expect(row('s1').querySelector('[data-test=agenda-error]')?.textContent).toContain("'p9' is not a participant");
    expect(row('s1').classList.contains('row-error')).toBe(true);
    expect(all('[data-test=agenda-error]')).toHaveLength(1);
  });

  it('shows the agenda without controls when read only', async () => {
    await mount(AgendaBuilder, withRemarks(), { readonly: true });
    expect(all('.plan-row')).toHaveLength(4);
    expect(all('[data-test=agenda-builder] button, [data-test=agenda-builder] input, [data-test=agenda-builder] select')).toHaveLength(0);
    expect(all('[draggable=true]')).toHaveLength(0);
    expect(row('s1').textContent).toContain('述职人一（单位一主要负责人） — 单位一');
    expect(row('s1').textContent).toContain('8 分钟');
  });
});

describe('sheet editor', () => {
  it('previews the edited grade labels as the tablet shows them', async () => {
    const d = preset('satisfaction');
    await mount(SheetEditor, d);
    const preview = () => all('[data-test=sheet-preview] .grade').map((g) => g.textContent?.trim());
    expect(preview()).toEqual(['满意', '基本满意', '不满意', '不了解']);
    type(q('[data-grade=manyi] [data-test=grade-label]'), '非常满意', 'input');
    await nextTick();
    expect(preview()).toEqual(['非常满意', '基本满意', '不满意', '不了解']);
    expect(q('[data-test=sheet-preview] .sheet-who')?.textContent).toContain('述职人一');
    expect(d.ballot_templates[0].dimensions[0].grades[0].label).toBe('满意');
  });

  it('shows a combined sheet as one row per presenter', async () => {
    await mount(SheetEditor, preset('integrity'));
    (q('[data-test=template-scope]') as HTMLSelectElement).value = 'combined';
    q('[data-test=template-scope]')!.dispatchEvent(new Event('change'));
    await nextTick();
    expect(model.value.ballot_templates[0].scope).toBe('combined');
    expect(all('[data-test=sheet-preview] .sheet-row').map((r) => r.dataset.slot)).toEqual(['s1', 's2']);
  });

  it('says each rule in words and follows an edited threshold', async () => {
    await mount(SheetEditor, preset('satisfaction'));
    const words = () => q('[data-test=rule-words]')?.textContent ?? '';
    expect(words()).toContain('满意率 =（满意 + 基本满意）÷ 有效票');
    expect(words()).toContain('满意率 < 70% 时标记“提醒谈话”');
    expect(words()).toContain('不作评定，只计算以上数值');
    type(all('[data-test=flag-threshold]')[0], '75');
    await nextTick();
    expect(model.value.rules[0].flags?.[0].threshold).toBe(0.75);
    expect(words()).toContain('满意率 < 75% 时标记“提醒谈话”');
  });

  it('reads a share rule back in English', async () => {
    i18n.global.locale.value = 'en';
    await mount(SheetEditor, preset('integrity'));
    expect(q('[data-test=rule-words]')?.textContent).toContain('廉洁 if 廉洁 ≥ 2/3 of valid votes; 不廉洁 if 不廉洁 > 1/3 of valid votes; otherwise 基本廉洁');
  });

  it('pins an error about a rule to that rule', async () => {
    await mount(SheetEditor, preset('points'), { error: { field: '/rules/0/bands/1/min', message: 'bands overlap' } });
    expect(q('[data-rule=points] [data-test=sheet-error]')?.textContent).toContain('bands overlap');
    expect(all('[data-test=sheet-error]')).toHaveLength(1);
  });

  it('hides its controls when read only but keeps the preview and the words', async () => {
    await mount(SheetEditor, preset('weighted'), { readonly: true });
    expect(all('[data-test=sheet-editor] input, [data-test=sheet-editor] select')).toHaveLength(0);
    expect(all('[data-test=sheet-editor] button:not(.grade)')).toHaveLength(0);
    expect(all('[data-test=sheet-preview] .grade')).toHaveLength(4);
    expect(q('[data-test=rule-words]')?.textContent).toContain('各人员类别分别计算后按权重合并');
  });
});

describe('settings form', () => {
  it('explains a setting in words and writes what was chosen', async () => {
    await mount(SettingsForm, preset('weighted'));
    const setting = (key: string) => q(`[data-setting=${key}]`) as HTMLElement;
    expect(setting('live_results').textContent).toContain('只有主持人能看到当前票数');
    const live = setting('live_results').querySelector('select') as HTMLSelectElement;
    live.value = 'nobody';
    live.dispatchEvent(new Event('change'));
    await nextTick();
    expect(model.value.settings?.live_results).toBe('nobody');
    expect(setting('live_results').textContent).toContain('投票进行中不显示票数');
    type(setting('k_anonymity').querySelector('input'), '3');
    await nextTick();
    expect(model.value.settings?.k_anonymity).toBe(3);
    expect(setting('k_anonymity').textContent).toContain('每满 3 张新票才更新一次');
  });

  it('edits voter group weights and shows each group’s share', async () => {
    await mount(SettingsForm, preset('weighted'));
    expect(q('[data-group=zhongceng]')?.textContent).toContain('40%');
    type(q('[data-group=zhongceng] [data-test=group-weight]'), '80');
    await nextTick();
    expect(model.value.voter_groups?.[1].weight).toBe(80);
    expect(q('[data-group=zhongceng]')?.textContent).toContain('57.1429%');
  });

  it('shows only the sentences when read only', async () => {
    await mount(SettingsForm, preset('weighted'), { readonly: true });
    expect(all('[data-test=settings-form] input, [data-test=settings-form] select, [data-test=settings-form] button')).toHaveLength(0);
    expect(q('[data-setting=quorum]')?.textContent).toContain('实到人数须达到应到人数的 2/3 才能开始会议');
    expect(q('[data-group=lingdao]')?.textContent).toContain('领导班子');
  });

  it('pins an error to its setting', async () => {
    await mount(SettingsForm, preset('points'), { error: { field: '/settings/quorum', message: 'quorum must be at most 1' } });
    expect(q('[data-setting=quorum] [data-test=settings-error]')?.textContent).toContain('quorum must be at most 1');
    expect(all('[data-test=settings-error]')).toHaveLength(1);
  });
});
