/**
 * Languages, keyboard access and small screens: the zh-CN switch translates the UI (and the API
 * sends the CCSS texts in Chinese), keyboard-only navigation reaches the checklist from the
 * dashboard, and a 390×844 phone shows the main pages without horizontal scrolling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiAs, apiUserWithOrg, launch, needs, newContext, screenshot, signInContext, tabUntil, type ApiUser } from './harness.js';

const SKIP =
  needs('/api/auth/signup', '/api/auth/session', '/api/orgs') ||
  needs('/api/orgs/{orgId}/systems', '/api/systems/{systemId}/assessments', '/api/assessments/{assessmentId}/checklist', '/api/orgs/{orgId}/evidence');

describe('languages, keyboard and phone', { skip: SKIP }, () => {
  let browser: Browser;
  let user: ApiUser & { orgId: string };
  let systemId = '';
  let assessmentId = '';

  before(async () => {
    browser = await launch();
    user = await apiUserWithOrg('Keyboard Custody');
    const sys = await apiAs<{ system: { id: string } }>(user, 'POST', `/api/orgs/${user.orgId}/systems`, { name: 'Warm wallet', designation: 'ETH hot/warm' });
    systemId = sys.system.id;
    const a = await apiAs<{ assessment: { id: string } }>(user, 'POST', `/api/systems/${systemId}/assessments`, { edition: 'ccss-2020' });
    assessmentId = a.assessment.id;
  });
  after(async () => {
    await browser?.close();
  });

  async function signedInPage(opts: Parameters<typeof newContext>[1] = {}): Promise<Page> {
    const context = await newContext(browser, opts);
    await signInContext(context, user);
    return context.newPage();
  }

  test('switching to 简体中文 translates the interface and the CCSS texts', async () => {
    const page = await signedInPage();
    await page.goto(`/orgs/${user.orgId}`);
    await page.getByRole('link', { name: 'Warm wallet' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    await page.getByRole('heading', { name: '系统', exact: true }).waitFor();
    assert.ok((await page.getByRole('navigation', { name: '主导航' }).textContent())?.includes('证据'));
    // The choice holds across pages and reloads; the checklist texts come from the API in Chinese.
    await page.goto(`/assessments/${assessmentId}/checklist`);
    await page.getByRole('heading', { level: 1, name: '检查清单' }).waitFor();
    const text = (await page.locator('.req-text').first().textContent()) ?? '';
    assert.match(text, /[\u4e00-\u9fff]/, `the requirement text is Chinese: ${text}`);
    assert.ok((await page.locator('article.req').first().getByLabel('状态').locator('option').allTextContents()).includes('已落实'));
    await page.goto(`/systems/${systemId}`);
    await page.getByRole('heading', { name: '评分卡' }).waitFor();
    await screenshot(page, 'system-scorecard-zh-CN');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Scorecard' }).waitFor();
    await page.context().close();
  });

  test('keyboard only: skip link, then from the dashboard to a checklist answer', async () => {
    const page = await signedInPage();
    await page.goto(`/orgs/${user.orgId}`);
    await page.getByRole('link', { name: 'Warm wallet' }).waitFor();
    // The first Tab reaches the skip link, which moves focus into <main>.
    await tabUntil(page, (el) => el.text === 'Skip to main content', 1);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('main') !== null || document.activeElement?.id === 'main'), true);
    await tabUntil(page, (el) => el.tag === 'a' && el.text === 'Warm wallet');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Warm wallet' }).waitFor();
    await tabUntil(page, (el) => el.tag === 'a' && el.text === 'Open the checklist');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Checklist' }).waitFor();
    await tabUntil(page, (el) => el.tag === 'select' && el.inReq && el.label === 'Status', 120);
    // Every focusable control has a visible focus indicator.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none');
    // Choose a status (the focused select) and save with the keyboard.
    const status = page.locator('article.req').first().getByLabel('Status');
    await status.selectOption('in_place');
    await tabUntil(page, (el) => el.tag === 'button' && el.text === 'Save' && el.inReq, 10);
    await page.keyboard.press('Enter');
    await page.locator('article.req').first().getByText('Saved', { exact: true }).waitFor();
    await page.context().close();
  });

  test('a 390×844 phone has no horizontal scroll on the main pages', async () => {
    const page = await signedInPage({ width: 390, height: 844, mobile: true });
    const pages: [string, string][] = [
      [`/orgs/${user.orgId}`, 'Keyboard Custody'],
      [`/systems/${systemId}`, 'Warm wallet'],
      [`/assessments/${assessmentId}/checklist`, 'Checklist'],
      [`/assessments/${assessmentId}/gaps`, 'Gaps'],
      [`/orgs/${user.orgId}/evidence`, 'Evidence library'],
      [`/orgs/${user.orgId}/members`, 'Members and invitations'],
      ['/mfa', 'Two-factor authentication'],
    ];
    for (const [path, heading] of pages) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
      assert.ok(scroll <= width, `${path}: content ${scroll}px wide in a ${width}px viewport`);
      if (path.endsWith('/checklist')) await screenshot(page, 'checklist-phone');
    }
    await page.context().close();
  });

  test('signed out, a 401 on any page returns to sign-in and back after', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`/systems/${systemId}`);
    await page.waitForURL(/\/sign-in\?next=/);
    assert.ok(decodeURIComponent(page.url()).includes(`/systems/${systemId}`), 'keeps where the user was going');
    await context.close();
  });
});
