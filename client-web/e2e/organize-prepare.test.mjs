// Preparing a hearing at /organize against a real server: a new hearing from a preset or as a copy, the
// definition exported and imported as JSON, a 15-unit roster read from an .xlsx the secretariat keeps (one bad
// row flagged with its row number, then fixed), saved, still there after a reload with the agenda following the
// presenters, the join cards printed with links that open, and the editor read-only once check-in opened.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, expectEqual, joinAs, launchBrowser, screenshot, tempDir } from './harness.mjs';
import { startHearing } from './fixtures.mjs';
import { addAccount as addOrganizer, signIn, units, writeUnitRoster } from './organize-fixtures.mjs';

const badRow = 25; // the seventh voter: rows are 1 header, 2 chair, 3 display, 4–18 presenters, 19– voters
const writeRoster = (path) => writeUnitRoster(path, { badRow });

async function duplicateThenObserve() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  const tmp = tempDir('dais-definition-');
  try {
    addOrganizer(hearing.db, 'mishu');
    addOrganizer(hearing.db, 'guancha', 'observer');
    const { page, errors } = await signIn(browser, hearing.base, 'mishu');
    const original = await page.evaluate(async () => (await fetch('/organize/api/hearings/e2e-hearing/definition')).json());

    await page.click('[data-test=new-hearing]');
    const dialog = page.locator('[data-test=new-hearing-dialog]');
    await dialog.locator('[data-test=source-copy] input').check();
    await dialog.locator('[data-test=copy-of]').selectOption('e2e-hearing');
    await dialog.locator('[data-test=new-date]').fill('2027-03-01');
    expectEqual(await dialog.locator('[data-test=new-title]').inputValue(), original.title, 'the title of the copied hearing to start from');
    await dialog.locator('[data-test=new-title]').fill('区纪委全会述责述廉会议（第二批）');
    await dialog.locator('[data-test=new-create]').click();
    await page.locator('[data-test=hearing-editor] [data-test=editor-title]').waitFor();
    const copy = await page.evaluate(async () => (await fetch('/organize/api/hearings/h20270301/definition')).json());
    expectEqual([copy.id, copy.title, copy.date], ['h20270301', '区纪委全会述责述廉会议（第二批）', '2027-03-01'], 'new id, title and date');
    for (const part of ['participants', 'agenda', 'voter_groups', 'ballot_templates', 'rules']) {
      expectEqual(copy[part], original[part], `${part} kept`);
    }

    // The definition goes out as a JSON file and comes back in: the form takes it, under this hearing's id.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-json]')]);
    expectEqual(download.suggestedFilename(), 'h20270301.json', 'the file is named by the id');
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expectEqual(exported, copy, 'the export is the stored definition');
    const edited = join(tmp.dir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...exported, id: 'elsewhere', title: '导入的会议名称' }));
    await page.setInputFiles('[data-test=import-json-file]', edited);
    await page.locator('[data-test=editor-notice]').getByText('会议编号仍为 h20270301').waitFor();
    expectEqual(await page.locator('[data-test=edit-title]').inputValue(), '导入的会议名称', 'the form shows the file');
    // Leaving with unsaved changes asks first; staying keeps them.
    await page.click('[data-test=back-to-list]');
    await page.locator('[data-test=dialog]').getByText('离开后将丢失').waitFor();
    await page.click('[data-test=dialog-cancel]');
    expectEqual(await page.locator('[data-test=edit-title]').inputValue(), '导入的会议名称', 'still editing');
    await page.click('[data-test=save]');
    await page.locator('[data-test=editor-notice]').getByText('已保存。').waitFor();
    const saved = await page.evaluate(async () => (await fetch('/organize/api/hearings/h20270301/definition')).json());
    expectEqual([saved.id, saved.title], ['h20270301', '导入的会议名称'], 'saved under its own id');

    // The same id again is refused with the reason, and nothing is created.
    await page.click('[data-test=back-to-list]');
    await page.click('[data-test=new-hearing]');
    await dialog.locator('[data-test=source-copy] input').check();
    await dialog.locator('[data-test=new-id]').fill('h20270301');
    await dialog.locator('[data-test=new-create]').click();
    const refusal = await dialog.locator('[data-test=new-hearing-error]').textContent();
    expectEqual(refusal, '编号“h20270301”已被其他会议使用，请换一个。', 'a taken id is explained');
    await dialog.locator('[data-test=new-cancel]').click();
    expectEqual(await page.locator('[data-test^=hearing-]').count(), 2, 'two hearings in the list');

    // An observer reads the draft but has nothing to change it with.
    const observer = await signIn(browser, hearing.base, 'guancha');
    expectEqual(await observer.page.locator('[data-test=new-hearing]').count(), 0, 'no new hearing for an observer');
    await observer.page.click('[data-test=hearing-h20270301] [data-test=open-hearing]');
    await observer.page.locator('[data-test=read-only]').waitFor();
    expectEqual(await observer.page.locator('[data-test=save], [data-test=print-cards], [data-test=import-json]').count(), 0, 'no edit controls');
    await observer.page.click('[data-test=tab-roster]');
    expectEqual(await observer.page.locator('[data-test=roster-import], [data-test=roster-add], [data-test=remove]').count(), 0, 'no roster controls');
    expect(await observer.page.locator('[data-test=name]').first().evaluate((el) => el.readOnly), 'names are read-only');
    expectEqual([...errors, ...observer.errors], [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
    tmp.remove();
  }
}

// The chair opens check-in while the secretariat still edits: the save is refused and the editor turns read-only.
async function checkInEndsTheDraft() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addOrganizer(hearing.db, 'mishu');
    const { page, errors } = await signIn(browser, hearing.base, 'mishu');
    await page.click('[data-test=hearing-e2e-hearing] [data-test=open-hearing]');
    await page.locator('[data-test=check-ok]').waitFor();
    await page.locator('[data-test=edit-venue]').fill('区行政中心第二会议室');
    await page.locator('[data-test=save]:not([disabled])').waitFor();

    const chair = await joinAs(browser, hearing.base, hearing.tokens.chair);
    await chair.page.click('[data-test=open-check-in]');
    await chair.page.locator('[data-test=phase][data-phase=check_in]').waitFor();

    await page.click('[data-test=save]');
    const notice = await page.locator('[data-test=read-only]').textContent();
    expect(notice.includes('签到中'), `the reason names the phase: ${notice}`);
    expectEqual(await page.locator('[data-test=save]').count(), 0, 'no save once the hearing is under way');
    const stored = await page.evaluate(async () => (await fetch('/organize/api/hearings/e2e-hearing/definition')).json());
    expect(stored.venue !== '区行政中心第二会议室', 'the refused change was not stored');

    // Opened afresh, the editor says so at once.
    await page.reload();
    await page.locator('[data-test=read-only]').waitFor();
    expect(await page.locator('[data-test=edit-title]').evaluate((el) => el.readOnly), 'the title is read-only');
    expectEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function createImportSavePrint() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  const tmp = tempDir('dais-roster-');
  try {
    addOrganizer(hearing.db, 'mishu');
    const rosterFile = join(tmp.dir, '参会人员名单.xlsx');
    const people = await writeRoster(rosterFile);
    const { page, errors } = await signIn(browser, hearing.base, 'mishu');

    // A new hearing from the weighted-groups preset; the id is suggested from the date.
    await page.click('[data-test=new-hearing]');
    const dialog = page.locator('[data-test=new-hearing-dialog]');
    await dialog.waitFor();
    await dialog.locator('[data-test=preset-weighted] input').check();
    await dialog.locator('[data-test=new-date]').fill('2027-02-23');
    expectEqual(await dialog.locator('[data-test=new-id]').inputValue(), 'h20270223', 'the id suggested from the date');
    await dialog.locator('[data-test=new-title]').fill('中共某区纪委全会述责述廉会议');
    await dialog.locator('[data-test=new-venue]').fill('区行政中心第一会议室');
    await screenshot(page, 'organize-new-hearing');
    await dialog.locator('[data-test=new-create]').click();
    await page.locator('[data-test=hearing-editor] [data-test=editor-title]').waitFor();
    expectEqual(await page.evaluate(() => location.hash), '#/hearing/h20270223', 'the editor of the new hearing opens');
    expectEqual(await page.locator('[data-test=editor-title]').textContent(), '中共某区纪委全会述责述廉会议', 'its title');

    // The roster from the .xlsx: the row with an unknown role word is flagged with its row number.
    await page.click('[data-test=tab-roster]');
    await page.setInputFiles('[data-test=roster-file]', rosterFile);
    await page.locator('[data-test=roster-notice]').waitFor();
    expectEqual(await page.locator('[data-test^=row-]').count(), people, 'every person of the file is in the table');
    const bad = page.locator(`tr[data-line="${badRow}"]`);
    const badId = (await bad.getAttribute('data-test')).replace(/^row-/, '');
    const problems = page.locator(`[data-test=problems-${badId}]`);
    await problems.getByText('测评员').waitFor();
    const said = await problems.textContent();
    expect(said.includes(`第 ${badRow} 行`), `the problem names the file's row: ${said}`);
    await problems.getByText('至少需要一个角色').waitFor(); // the server's roster check, in the page's language
    await page.locator('[data-test=roster-problems]').waitFor();
    expectEqual(await page.locator('[data-test^=problems-]').count(), 1, 'only the bad row is flagged');
    expectEqual(await page.locator('[data-test=count-presenter]').textContent(), '述责述廉对象 15', 'fifteen presenters');
    await bad.scrollIntoViewIfNeeded();
    await screenshot(page, 'organize-roster-import');

    // Fixed in the table: the flag goes once the server's check agrees.
    await bad.locator('[data-test=role-voter]').check();
    await problems.waitFor({ state: 'detached' });
    await page.locator('[data-test=roster-problems]').waitFor({ state: 'detached' });
    await page.click('[data-test=save]');
    await page.locator('[data-test=editor-notice]').getByText('已保存。').waitFor();
    await page.locator('[data-test=check-ok]').waitFor();

    // A file over 5,000 rows is refused whole and changes nothing.
    const huge = join(tmp.dir, 'too-many.csv');
    writeFileSync(huge, ['姓名,角色', ...Array.from({ length: 5001 }, (_, i) => `人员${i},测评人`)].join('\n'));
    await page.setInputFiles('[data-test=roster-file]', huge);
    const refusal = await page.locator('[data-test=roster-file-error]').textContent();
    expect(refusal.includes('5001') && refusal.includes('5000'), `the refusal says why: ${refusal}`);
    expectEqual(await page.locator('[data-test^=row-]').count(), people, 'the roster is unchanged');
    expectEqual(await page.locator('[data-test=unsaved]').count(), 0, 'nothing to save');

    // Stored: after a reload the roster is there, and the agenda has a slot for each unit.
    await page.reload();
    await page.click('[data-test=tab-roster]');
    await page.locator('[data-test^=row-]').first().waitFor();
    expectEqual(await page.locator('[data-test^=row-]').count(), people, 'the roster after a reload');
    const stored = await page.evaluate(async () => (await fetch('/organize/api/hearings/h20270223/definition')).json());
    expectEqual(stored.participants.length, people, 'participants stored');
    const slots = stored.agenda.filter((s) => (s.kind ?? 'presenter') === 'presenter');
    expectEqual(slots.map((s) => s.title), units, 'a slot per unit, titled by the unit, in the file order');
    const fixed = stored.participants.find((p) => p.id === badId);
    expectEqual(fixed.roles, ['voter'], 'the fixed row is a voter');
    expectEqual(fixed.groups, ['lingdao'], 'the group named in the file');

    // Join cards: a warning first, then one card per person whose link opens the hearing.
    await page.click('[data-test=print-cards]');
    const warning = await page.locator('[data-test=dialog] .modal-message').textContent();
    expect(warning.includes('失效'), `the warning says old links stop working: ${warning}`);
    await page.click('[data-test=dialog-ok]');
    await page.locator('[data-test=join-cards]').waitFor();
    expectEqual(await page.locator('.qr-card').count(), people, 'a card per person');
    await page.waitForFunction((n) => document.querySelectorAll('.qr-card img.qr').length === n, people);
    await page.evaluate(() => {
      window.printed = 0;
      window.print = () => window.printed++;
    });
    await page.click('[data-test=cards-print]');
    expectEqual(await page.evaluate(() => window.printed), 1, 'the print dialog is asked for');
    await screenshot(page, 'organize-join-cards');
    // On paper: the cards under the hearing's title, without the page's buttons and notes.
    await page.emulateMedia({ media: 'print' });
    expect(!(await page.locator('[data-test=cards-print]').isVisible()), 'no buttons on paper');
    expect(await page.locator('.print-only', { hasText: '中共某区纪委全会述责述廉会议' }).isVisible(), 'the title on paper');
    await page.emulateMedia({ media: 'screen' });
    const chairCard = page.locator('.qr-card', { hasText: '吕振华' });
    const link = await chairCard.getAttribute('data-link');
    expect(link.startsWith(`${hearing.base}/j/`), `a join link of this server: ${link}`);
    expectEqual(await page.locator('.qr-card', { hasText: `${units[0]}主要负责人` }).count(), 1, 'a card shows the post');
    const joined = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const chair = await joined.newPage();
    await chair.goto(link);
    await chair.locator('[data-test=conn][data-status=online]').waitFor();
    await joined.close();

    await page.click('[data-test=cards-back]');
    await page.click('[data-test=back-to-list]');
    const row = page.locator('[data-test=hearing-h20270223]');
    await row.waitFor();
    expectEqual(await row.locator('[data-test=phase]').textContent(), '筹备中', 'the new hearing is a draft in the list');
    expectEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
    tmp.remove();
  }
}

export const tests = [
  {
    name: 'organize prepare: a hearing from a preset, a roster from .xlsx with a bad row fixed, saved, reloaded, cards printed',
    fn: createImportSavePrint,
  },
  {
    name: 'organize prepare: a hearing duplicated keeps agenda and roster, a taken id is refused, an observer only reads',
    fn: duplicateThenObserve,
  },
  { name: 'organize prepare: check-in opened meanwhile refuses the save and leaves the editor read-only', fn: checkInEndsTheDraft },
];
