#!/usr/bin/env node
// Drives the Microsoft 365 Agents Playground (a local Teams emulator) in headless Chromium
// against a running Sparringsbot: ask a question (shown once, as one card), rate it (the card
// changes in place), use its buttons, run a short guided dialogue in the personal chat, and one in
// the group chat answered through the question card's input and "Send svar" (no @mention).
// Talks to loopback only: every request to another host is aborted.
//
//   node tests/playground/drive.mjs http://127.0.0.1:56150/ ARTIFACTS_DIR
//
// Screenshots (PNG) go to ARTIFACTS_DIR, one or two per step. The last line on stdout is a
// JSON result: {"ok": true, "steps": [...]} or {"ok": false, "step", "error", "messages", "log"}.
// Exit code 0 = all steps passed, 1 = a step failed, 2 = usage or start-up error.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), PLAYGROUND_STEP_TIMEOUT_MS (default 30000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const QUESTION = 'Hvordan deler Sorø og Ringsted lønudgiften?';
const DIALOGUE_ANSWER = 'Vi deler it-arkitekter med nabokommunen';
const CARD_ANSWER = 'Vi holder fast i driften og udvikler med partnere';
const STEP_TIMEOUT = Number(process.env.PLAYGROUND_STEP_TIMEOUT_MS || 30000);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// A bot reply that means the step cannot succeed: fail at once instead of waiting for the timeout.
const BOT_TROUBLE = /ikke finde et godt svar|Beklager|gik galt|fejl opstod|for mange beskeder/i;

const [url, artifactsArg] = process.argv.slice(2);
if (!url || !artifactsArg) {
  console.error('usage: node drive.mjs PLAYGROUND_URL ARTIFACTS_DIR');
  process.exit(2);
}
const artifacts = path.resolve(artifactsArg);
fs.mkdirSync(artifacts, { recursive: true });

function isLoopback(address) {
  let parsed;
  try { parsed = new URL(address); } catch { return false; }
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return true;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

class StepError extends Error {}

const result = { ok: false, url, artifacts, steps: [], blocked_hosts: [] };
const blocked = new Set();
const started = Date.now();
let context;
let page;
let currentStep = 'start';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparring-chromium-'));

// ---- page helpers ------------------------------------------------------------------------

// Every chat message has a header (aria-label "Message header"); its parent holds the whole
// message. Bot messages (and others' messages) also carry a "Message author" element.
async function messages() {
  return page.evaluate(() => [...document.querySelectorAll('[aria-label="Message header"]')].map((header, index) => {
    const box = header.parentElement;
    const author = box.querySelector('[aria-label="Message author"]');
    return { index, fromBot: Boolean(author), author: author ? author.innerText.trim() : 'me',
             card: Boolean(box.querySelector('.ac-adaptiveCard')),
             text: box.innerText.replace(header.innerText, '').trim() };
  }));
}

function messageLocator(index) {
  return page.locator('[aria-label="Message header"]').nth(index).locator('xpath=..');
}

async function logTail(lines = 15) {
  try {
    const text = await page.evaluate(() => document.body.innerText);
    return text.split('\n').filter((l) => /^\[\d{1,2}:\d{2}:\d{2}/.test(l.trim())).slice(-lines);
  } catch { return []; }
}

// The Playground's log panel records each call to the bot with its HTTP status.
async function botErrors() {
  return (await logTail(1000)).filter((l) => /-> User Application \S+ [45]\d\d\b/.test(l));
}
let errorsBefore = 0;

async function shot(name, locator) {
  const file = path.join(artifacts, `${name}.png`);
  try {
    await (locator || page).screenshot({ path: file, timeout: 10000 });
    return path.basename(file);
  } catch (error) {
    console.error(`screenshot ${name} failed: ${error.message}`);
    return null;
  }
}

// Wait for a new bot message (index >= since) whose text matches `expected`. The Playground shows
// an activity with text and a card as two messages, so `card` asks for the one with the card.
async function waitForBot(since, expected, { card = false, timeout = STEP_TIMEOUT } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const fresh = (await messages()).filter((m) => m.index >= since && m.fromBot);
    const hit = fresh.find((m) => expected.test(m.text) && (!card || m.card));
    if (hit) return hit;
    const trouble = fresh.find((m) => BOT_TROUBLE.test(m.text));
    if (trouble) throw new StepError(`expected ${expected} but the bot replied: ${trouble.text.slice(0, 400)}`);
    const errors = await botErrors();
    if (errors.length > errorsBefore) {
      throw new StepError(`the bot answered the Playground with an error: ${errors.slice(errorsBefore).join(' | ')}`);
    }
    if (Date.now() > deadline) {
      throw new StepError(`no bot ${card ? 'card' : 'reply'} matching ${expected} within ${timeout} ms ` +
        `(${fresh.length} new bot message(s) seen)`);
    }
    await page.waitForTimeout(200);
  }
}

// mention: start with an @mention of the bot, picked from the Playground's mention menu, as a
// group chat delivers only messages that mention the bot.
async function send(text, { mention = false } = {}) {
  errorsBefore = (await botErrors()).length;
  const box = page.locator('[data-lexical-editor="true"][role="textbox"]');
  await box.click();
  if (mention) {
    await box.pressSequentially('@Te', { delay: 30 });
    await page.getByRole('menuitem', { name: /Test Bot/ }).first().click();
    await box.pressSequentially(' ', { delay: 10 });
  }
  await box.pressSequentially(text, { delay: 10 });
  await page.keyboard.press('Enter');
  // the Playground shows the sent message and clears the box
  await page.waitForFunction(
    () => !(document.querySelector('[data-lexical-editor="true"][role="textbox"]')?.innerText || '').trim(),
    null, { timeout: 10000 });
}

async function clickCardButton(messageIndex, name) {
  const button = messageLocator(messageIndex).getByRole('button', { name, exact: true });
  if (await button.count() === 0) {
    const all = await messageLocator(messageIndex).getByRole('button').allInnerTexts();
    throw new StepError(`the card has no button "${name}" (buttons: ${JSON.stringify(all)})`);
  }
  errorsBefore = (await botErrors()).length;
  await button.first().scrollIntoViewIfNeeded();
  await button.first().click();
}

// Wait until the message at `index` (a card that the bot replaced in place) matches `expected`.
async function waitForMessage(index, expected, { timeout = STEP_TIMEOUT } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const message = (await messages())[index];
    if (message && expected.test(message.text)) return message;
    if (Date.now() > deadline) {
      throw new StepError(`message ${index} did not change to match ${expected} within ${timeout} ms: ` +
        `${message ? message.text.replace(/\s+/g, ' ').slice(0, 300) : '(gone)'}`);
    }
    await page.waitForTimeout(200);
  }
}

// The titled buttons of a message (the Playground's own icon buttons, e.g. close, have no text).
async function buttons(index) {
  return (await messageLocator(index).getByRole('button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
}

// Bot messages since `since`, after a short pause so that a second (duplicate) message would show.
async function botMessagesSince(since) {
  await page.waitForTimeout(1500);
  return (await messages()).filter((m) => m.index >= since && m.fromBot);
}

async function step(name, body) {
  currentStep = name;
  const t0 = Date.now();
  const info = (await body()) || {};
  const entry = { name, ms: Date.now() - t0, ...info };
  entry.screenshot = await shot(`${String(result.steps.length + 1).padStart(2, '0')}-${name}`);
  result.steps.push(entry);
  console.error(`step ${name}: ok (${entry.ms} ms)`);
  return entry;
}

const excerpt = (text) => text.replace(/\s+/g, ' ').slice(0, 200);

// ---- the scenario ---------------------------------------------------------------------------

async function run() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--no-first-run', '--disable-sync', '--no-default-browser-check'],
  });
  await context.route('**/*', (route) => {
    const address = route.request().url();
    if (isLoopback(address)) return route.continue();
    try { blocked.add(new URL(address).host); } catch { blocked.add(address.slice(0, 80)); }
    return route.abort();
  });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);

  await step('open', async () => {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
    await page.locator('[data-lexical-editor="true"][role="textbox"]').waitFor({ state: 'visible' });
    // The Playground installs the app at start-up; the bot's welcome lands in the personal chat.
    let welcome = false;
    try { await waitForBot(0, /Sparringsbot/, { timeout: 5000 }); welcome = true; } catch { /* optional */ }
    return { welcome };
  });

  let answerIndex;
  await step('ask', async () => {
    const since = (await messages()).length;
    await send(QUESTION);
    const reply = await waitForBot(since, /Kilde|RISO/, { card: true, timeout: STEP_TIMEOUT * 1.5 });
        if (!/Kort svar/.test(reply.text)) throw new StepError(`the answer card lacks "Kort svar": ${excerpt(reply.text)}`);
    answerIndex = reply.index;
    // One message per answer: the card only (no plain-text copy of the short answer above it).
    const fresh = await botMessagesSince(since);
    if (fresh.length !== 1) {
      throw new StepError(`the answer came as ${fresh.length} messages: ${fresh.map((m) => excerpt(m.text)).join(' | ')}`);
    }
    const card = messageLocator(answerIndex);
    await card.scrollIntoViewIfNeeded();
    const cardShot = await shot('02-ask-card', card);
    const source = (reply.text.match(/Kilde:[^\n]*/) || [''])[0];
    return { question: QUESTION, source, card_screenshot: cardShot, excerpt: excerpt(reply.text) };
  });

  await step('feedback', async () => {
    const since = (await messages()).length;
    await clickCardButton(answerIndex, '👍 Brugbart');
    // The card changes in place: the thank-you instead of the 👍/👎 buttons; no new message.
    const changed = await waitForMessage(answerIndex, /Tak – du svarede/);
    const left = await buttons(answerIndex);
    if (left.some((b) => /Brugbart/.test(b))) throw new StepError(`the rated card still has 👍/👎: ${JSON.stringify(left)}`);
    const fresh = await botMessagesSince(since);
    if (fresh.length) throw new StepError(`feedback posted a new message: ${excerpt(fresh[0].text)}`);
    return { clicked: '👍 Brugbart', excerpt: excerpt(changed.text), buttons_after: left };
  });

  await step('route', async () => {
    const since = (await messages()).length;
    await clickCardButton(answerIndex, 'Find en temagruppe');
    const reply = await waitForBot(since, /temagruppe/i);
    return { clicked: 'Find en temagruppe', excerpt: excerpt(reply.text) };
  });

  let questionIndex;
  await step('dialog-start', async () => {
    const since = (await messages()).length;
    await send('dialog 1');
    const reply = await waitForBot(since, /Spørgsmål 1 af 3/, { card: true });
    questionIndex = reply.index;
    return { sent: 'dialog 1', excerpt: excerpt(reply.text) };
  });

  await step('dialog-answer', async () => {
    const since = (await messages()).length;
    await send(DIALOGUE_ANSWER);
    const reply = await waitForBot(since, /svar er noteret/);
    return { sent: DIALOGUE_ANSWER, excerpt: excerpt(reply.text) };
  });

  await step('dialog-next', async () => {
    const since = (await messages()).length;
    await clickCardButton(questionIndex, 'Næste');
    const reply = await waitForBot(since, /Spørgsmål 2 af 3/, { card: true });
    // The old question card is closed in place: no input, no buttons.
    await waitForMessage(questionIndex, /gået videre/);
    const left = await buttons(questionIndex);
    if (left.length) throw new StepError(`the old question card still has buttons: ${JSON.stringify(left)}`);
    return { clicked: 'Næste', excerpt: excerpt(reply.text) };
  });

  await step('dialog-end', async () => {
    const since = (await messages()).length;
    await send('afslut');
    const reply = await waitForBot(since, /Opsummering/, { card: true });
    const all = (await messages()).filter((m) => m.index >= since && m.fromBot).map((m) => m.text).join('\n');
    if (!all.includes(DIALOGUE_ANSWER)) {
      throw new StepError(`the summary does not contain the answer "${DIALOGUE_ANSWER}": ${excerpt(all)}`);
    }
    await messageLocator(reply.index).scrollIntoViewIfNeeded();
    return { sent: 'afslut', excerpt: excerpt(reply.text) };
  });

  // ---- group chat: answers through the card's input, without @mention --------------------------
  let groupQuestion;
  await step('group-start', async () => {
    await page.getByRole('treeitem', { name: 'Group Chat' }).click();
    await page.locator('[data-lexical-editor="true"][role="textbox"]').waitFor({ state: 'visible' });
    await page.waitForTimeout(500);
    const since = (await messages()).length;
    await send('dialog 2', { mention: true });
    const reply = await waitForBot(since, /Spørgsmål 1 af/, { card: true });
    groupQuestion = reply.index;
    const fresh = await botMessagesSince(since);
    if (fresh.length !== 1) throw new StepError(`the question came as ${fresh.length} messages`);
    return { sent: 'dialog 2', excerpt: excerpt(reply.text), buttons: await buttons(groupQuestion) };
  });

  await step('group-card-answer', async () => {
    const since = (await messages()).length;
    const card = messageLocator(groupQuestion);
    const input = card.locator('textarea, input[type="text"]').first();
    if (await input.count() === 0) throw new StepError('the question card has no text input');
    await input.scrollIntoViewIfNeeded();
    await input.fill(CARD_ANSWER);
    await clickCardButton(groupQuestion, 'Send svar');
    const changed = await waitForMessage(groupQuestion, /Dit svar er gemt/);
    const fresh = await botMessagesSince(since);
    if (fresh.length) throw new StepError(`the card answer posted ${fresh.length} new message(s): ${excerpt(fresh[0].text)}`);
    await card.scrollIntoViewIfNeeded();
    const cardShot = await shot('10-group-card-answered', card);
    return { typed: CARD_ANSWER, excerpt: excerpt(changed.text), card_screenshot: cardShot };
  });

  await step('group-status', async () => {
    const since = (await messages()).length;
    await send('status', { mention: true });
    const reply = await waitForBot(since, /1 har svaret/);
    return { sent: 'status', excerpt: excerpt(reply.text) };
  });

  await step('group-end', async () => {
    const since = (await messages()).length;
    await send('afslut', { mention: true });
    const reply = await waitForBot(since, /Opsummering/, { card: true });
    const fresh = (await messages()).filter((m) => m.index >= since && m.fromBot);
    const all = fresh.map((m) => m.text).join('\n');
    if (!all.includes(CARD_ANSWER)) throw new StepError(`the summary lacks the card answer: ${excerpt(all)}`);
    // Each answer once in the summary card (and once more in the Markdown copy, a separate message).
    const inCard = reply.text.split(CARD_ANSWER).length - 1;
    if (inCard !== 1) throw new StepError(`the summary card shows the answer ${inCard} times`);
    await waitForMessage(groupQuestion, /afsluttet/);
    await messageLocator(reply.index).scrollIntoViewIfNeeded();
    return { sent: 'afslut', excerpt: excerpt(reply.text) };
  });

  result.ok = true;
}

let exitCode = 0;
try {
  await run();
} catch (error) {
  exitCode = context ? 1 : 2;
  result.step = currentStep;
  result.error = error instanceof StepError ? error.message : `${error.name}: ${error.message}`.split('\n')[0];
  if (page) {
    result.failure_screenshot = await shot(`failed-${currentStep}`);
    try {
      result.messages = (await messages()).slice(-6).map((m) => `${m.author}: ${m.text.replace(/\s+/g, ' ').slice(0, 300)}`);
    } catch { result.messages = []; }
    result.log = await logTail();
  }
  console.error(`FAILED at step "${currentStep}": ${result.error}`);
  for (const line of result.messages || []) console.error(`  message | ${line}`);
  for (const line of result.log || []) console.error(`  log     | ${line}`);
} finally {
  result.total_ms = Date.now() - started;
  result.blocked_hosts = [...blocked].sort();
  if (context) await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(exitCode);
