// Drives the staff console in Debian's chromium (playwright-core; npm cannot
// download browsers here) the way a member of staff would: sign in, click,
// type, read what the page shows. One phase per run, chosen by the C++ test
// (tests/sync/e2e/console_browser_test.cpp) that set up the real hub and
// kiosk around it. Prints one JSON line of what it read; exits 1 with the
// reason on stderr when the page does not do what it should.
//
//   node console.mjs PHASE --url https://127.0.0.1:P/staff/ --user U --password P --out DIR [--case N] [--rating UUID]
//                    [--file F] [--width W --height H] [--lang en]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [phase, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const out = opt.out;
fs.mkdirSync(out, { recursive: true });

function check(cond, message) {
  if (!cond) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  timeout: 30000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({
  ignoreHTTPSErrors: true,  // the hub's own CA, made for this test
  viewport: { width: Number(opt.width ?? 1366), height: Number(opt.height ?? 860) },
  locale: 'zh-CN',
  acceptDownloads: true,
});
context.setDefaultTimeout(15000);
const page = await context.newPage();
const consoleErrors = [];
// A 401 is how the hub says "sign in first" (and "wrong password"): expected, not a fault.
page.on('console', (m) => {
  if (m.type() === 'error' && !/status of 401/.test(m.text())) consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(String(e)));

// Every screenshot is also a check that the page shows no leaked code values.
async function shot(name) {
  const text = await page.locator('body').innerText();
  for (const bad of ['[object ', 'undefined', 'NaN']) check(!text.includes(bad), `${name}: the page shows "${bad}"`);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
}

async function login(user = opt.user, password = opt.password) {
  await page.goto(opt.url);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(password);
  await page.locator('#login').click();
  await page.locator('.bar .user').waitFor();
  if (opt.lang === 'en') {
    await page.locator('#lang').click();
    await page.locator('#nav-stats', { hasText: 'Statistics' }).waitFor();
  }
}

async function go(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

const phases = {
  // Signing in with a wrong password says so and lets nobody in; at the
  // next sign-in a banner tells the owner how many tries failed, in both
  // languages, until dismissed.
  async login() {
    await page.goto(opt.url);
    await page.locator('#username').fill(opt.user);
    await page.locator('#password').fill('not the password');
    await page.locator('#login').click();
    const err = await page.locator('.notice.error').textContent();
    await shot('login-failed');
    await page.locator('#password').fill('not the password either');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/staff/api/login')), page.locator('#login').click()]);
    await page.locator('.notice.error').waitFor();
    await login();
    const nav = await page.locator('.nav a').allTextContents();
    const banner = page.locator('#failed-logins');
    await banner.waitFor();
    const bannerZh = await banner.locator('span').textContent();
    await shot('signin-failures');
    await page.locator('#lang').click();
    await page.locator('#nav-stats', { hasText: 'Statistics' }).waitFor();
    const bannerEn = await page.locator('#failed-logins span').textContent();
    await shot('signin-failures-en');
    await page.locator('#lang').click();
    await page.locator('#nav-stats', { hasText: '统计分析' }).waitFor();
    await page.locator('#failed-logins-ok').click();
    await banner.waitFor({ state: 'detached' });
    await go('#/stats');
    await page.locator('#nav-stats.active').waitFor();
    return { refused: err, nav, bannerZh, bannerEn, bannerAfterDismiss: await page.locator('#failed-logins').count() };
  },

  // A handler takes a case from 已接收 through 受理, 派单, 办理, 答复 to 办结.
  async case() {
    await login();
    await go('#/cases');
    const row = page.locator(`tr[data-case="${opt.case}"]`);
    await row.waitFor();
    await shot(opt.lang === 'en' ? 'cases-en' : 'cases');
    const banner = await page.locator('#failed-logins').count();
    await row.click();
    await page.locator('#case-status').waitFor();
    await shot('case');
    const steps = [['accepted', '受理'], ['dispatched', '派单'], ['handling', '办理'], ['replied', '答复'], ['closed', '办结']];
    for (const [code, label] of steps) {
      await page.locator(`#to-${code}`).click();
      if (code === 'dispatched') {
        // The department is required: submitting without it is refused by the browser.
        await page.locator('#step-department').fill('区市场监管局');
      }
      await page.locator('#step-note').fill(`控制台：${label}`);
      await page.locator('#step-submit').click();
      await page.locator('#case-status', { hasText: label }).waitFor();
      await page.locator('#case-msg .notice.ok').waitFor();
    }
    await shot('case-closed');
    const history = await page.locator('.timeline li').allTextContents();
    const status = await page.locator('#case-status').textContent();
    // Sections the role may not use are not offered, and typing their address lands elsewhere.
    await go('#/audit');
    await page.waitForFunction(() => location.hash !== '#/audit');
    return { status, history, banner, landed: await page.evaluate(() => location.hash) };
  },

  // A manager opens a case: the visitor's details masked, the free text withheld.
  async maskedCase() {
    await login();
    await go(`#/cases/${encodeURIComponent(opt.case)}`);
    await page.locator('#personal').waitFor();
    await shot('case-masked');
    return { personal: await page.locator('#personal').innerText() };
  },

  // A handler follows up a bad rating: call-back (full contact shown on
  // request), rectification, feedback; the visitor's re-rating is shown.
  async followup() {
    await login();
    await go('#/followup');
    const row = page.locator(`tr[data-rating="${opt.rating}"]`);
    await row.waitFor();
    const overdueBadge = await page.locator('.badge.over').count();
    await shot('followup');
    await row.click();
    await page.locator('#fu-state').waitFor();
    const masked = await page.locator('#contact .contact').textContent();
    await page.locator('#reveal').click();
    await page.waitForFunction(() => !document.querySelector('#contact .contact').textContent.includes('*'));
    const full = await page.locator('#contact .contact').textContent();
    for (const [action, label] of [['callback', '核实回访'], ['rectified', '整改'], ['feedback', '已反馈']]) {
      await page.locator('#fu-action').selectOption(action);
      await page.locator('#fu-note').fill(`控制台：${action}`);
      await page.locator('#fu-submit').click();
      await page.locator('#fu-state', { hasText: label }).waitFor();
    }
    const rerating = await page.locator('#rerating').textContent();
    await shot('followup-detail');
    return { masked, full, state: await page.locator('#fu-state').textContent(), rerating, overdueBadge };
  },

  // A manager reads the figures by service and exports the CSV.
  async stats() {
    await login();
    await go('#/stats');
    await page.locator('#stats-chart').waitFor();
    await page.locator('#by').selectOption('service');
    await page.locator('table.figures tr.total').waitFor();
    await page.waitForFunction(() => document.querySelector('#by').value === 'service');
    await page.waitForTimeout(300);
    const rows = await page.locator('table.figures tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      key: tr.dataset.key,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    })));
    await shot(opt.lang === 'en' ? 'stats-en' : 'stats');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()]);
    const csvPath = path.join(out, 'stats.csv');
    await download.saveAs(csvPath);
    return { rows, csv: fs.readFileSync(csvPath, 'utf8') };
  },

  // An administrator reads the fleet and makes a provisioning file.
  async fleet() {
    await login();
    await go('#/fleet');
    await page.locator('tr[data-device]').first().waitFor();
    const devices = await page.locator('tr[data-device]').evaluateAll((trs) => trs.map((tr) => ({
      id: tr.dataset.device, text: tr.textContent,
    })));
    await page.locator('#prov-site').fill('青浦区行政服务中心');
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('#provision button[type=submit]').click()]);
    const file = path.join(out, 'provision.json');
    await download.saveAs(file);
    await page.locator('#provision .notice.ok').waitFor();
    await shot('fleet');
    await go('#/audit');
    await page.locator('table tbody tr').first().waitFor();
    await shot('audit');
    return { devices, provision: JSON.parse(fs.readFileSync(file, 'utf8')) };
  },

  // An editor uploads a policy document, previews what the importer made of
  // it, adds a broken authoring file (the import error names it), removes it
  // again, and publishes a signed bundle.
  async content() {
    await login();
    await go('#/content');
    await page.locator('#upload').setInputFiles(opt.file);
    await page.locator('#new-district').fill('青浦区');
    await page.locator('#upload-go').click();
    await page.locator('#preview').waitFor();
    const documents = await page.locator('#preview .document h3').allTextContents();
    const nested = await page.locator('#preview .tree .tree li').count();
    const units = await page.locator('#preview .units').count();
    await shot('content-preview');
    await page.locator('#upload-more').setInputFiles({
      name: 'services.json', mimeType: 'application/json', buffer: Buffer.from('{"services": [{"id": 7}]}'),
    });
    await page.locator('#upload-more-go').click();
    const error = await page.locator('#import-error .notice').textContent();
    await shot('content-error');
    await page.locator('tr[data-file="services.json"] button.danger').click();
    await page.locator('#preview').waitFor();
    await page.locator('#ttl-days').fill('30');
    await page.locator('#publish-go').click();
    await page.locator('#draft-msg .notice.ok').waitFor();
    const published = await page.locator('#draft-published').textContent();
    return { documents, nested, units, error, published };
  },

  // Which kiosk runs which content version.
  async contentKiosks() {
    await login();
    await go('#/content');
    const row = page.locator(`tr[data-kiosk="${opt.kiosk}"]`);
    await row.waitFor();
    await shot('content');
    return { row: await row.textContent() };
  },

  // An administrator revokes a kiosk from the fleet page, confirming the
  // browser's question; the row then says so and has no revoke button.
  async revoke() {
    await login();
    await go('#/fleet');
    const row = page.locator(`tr[data-device="${opt.kiosk}"]`);
    await row.waitFor();
    let question = '';
    page.once('dialog', async (d) => { question = d.message(); await d.accept(); });
    await row.locator(`button[data-revoke="${opt.kiosk}"]`).click();
    await row.locator('.muted-badge').waitFor();
    await shot('fleet-revoked');
    return { question, row: await row.textContent(), buttons: await row.locator('button').count() };
  },
};

let code = 0;
try {
  check(phases[phase], `no phase ${phase}`);
  const result = await phases[phase]();
  result.console_errors = consoleErrors;
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  await shot(`failed-${phase}`).catch(() => {});
  process.stderr.write(`console.mjs ${phase}: ${err.stack || err}\n`);
  code = 1;
}
await browser.close();
process.exit(code);
