// tests/browser/run.mjs - the examples site in a real browser: headless
// Debian chromium driven by playwright-core. Starts the examples the way
// `make run` does (scripts/run-examples.sh, which execs build/cgihttpd) on
// 127.0.0.1 port 0 with a fresh site and state folder, clicks through every
// example, prints what each test proves, and ends with exactly one line
// "N passed, N failed". Screenshots go to tests/out/browser/; with
// UPDATE_SCREENSHOT=1 the front page's also goes to docs/screenshot.png.
//
//   node tests/browser/run.mjs          (CGIHTTPD_BUILD=build by default)
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = path.resolve(ROOT, process.env.CGIHTTPD_BUILD || 'build');
const OUT = path.join(ROOT, 'tests', 'out', 'browser');
const CHROMIUM = '/usr/bin/chromium';
const LISTEN_RE = /cgihttpd: listening on http:\/\/(\S+?):(\d+)\//;
const STEP_MS = 15000; // any one browser step
const START_MS = 15000; // server start

// ---- The server -----------------------------------------------------------

// Starts the examples on port 0 in fresh folders; resolves to
// { proc, url, tmp, logs } once the server prints its listening line.
function startServer() {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cgihttpd-browser-'));
	fs.chmodSync(tmp, 0o755); // the server drops to nobody when root
	const logs = path.join(tmp, 'logs');
	fs.mkdirSync(logs, { mode: 0o777 });
	fs.chmodSync(logs, 0o777);
	const env = {
		...process.env,
		EXAMPLES_SITE: path.join(tmp, 'site'),
		EXAMPLES_STATE: path.join(tmp, 'state'),
	};
	const proc = spawn('sh', [path.join(ROOT, 'scripts', 'run-examples.sh'), BUILD, '0',
		'--error-log', path.join(logs, 'error.log'),
		'--access-log', path.join(logs, 'access.log')],
	{ cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => fail(`no listening line within ${START_MS} ms`), START_MS);
		let started = false;
		function fail(why) {
			if (started)
				return; // a later exit is main()'s business
			clearTimeout(timer);
			stopServer({ proc }).finally(() => fs.rmSync(tmp, { recursive: true, force: true }));
			reject(new Error(`cgihttpd did not start: ${why}\nstdout: ${out}\nstderr: ${err}`));
		}
		proc.stdout.on('data', (d) => {
			out += d;
			const m = LISTEN_RE.exec(out);
			if (m && !started) {
				started = true;
				clearTimeout(timer);
				resolve({ proc, url: `http://${m[1]}:${m[2]}`, tmp, logs });
			}
		});
		proc.stderr.on('data', (d) => { err += d; });
		proc.on('exit', (code, sig) => fail(`exited (${code ?? sig})`));
		proc.on('error', (e) => fail(e.message));
	});
}

// Stops the server by its PID (run-examples.sh execs cgihttpd, so the
// child's PID is the server's): SIGTERM, then SIGKILL after 5 s.
async function stopServer(srv) {
	const { proc } = srv;
	if (proc.exitCode !== null || proc.signalCode !== null)
		return;
	const exited = new Promise((resolve) => proc.once('exit', resolve));
	proc.kill('SIGTERM');
	const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(t);
}

// ---- The harness ----------------------------------------------------------

let passed = 0;
let failed = 0;

function assert(cond, what) {
	if (!cond)
		throw new Error(what);
}

function assertEq(got, want, what) {
	if (got !== want)
		throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// Runs one test in a fresh page; prints what it proves and the outcome.
async function test(ctx, name, proves, fn) {
	const page = await ctx.newPage();
	page.setDefaultTimeout(STEP_MS);
	const dialogs = [];
	page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
	try {
		await fn(page, dialogs);
		passed++;
		console.log(`ok - ${name}: ${proves}`);
	} catch (e) {
		failed++;
		console.log(`FAIL - ${name}: ${proves}\n    ${String(e.message || e).split('\n').join('\n    ')}`);
		await page.screenshot({ path: path.join(OUT, `${name}-failed.png`), fullPage: true }).catch(() => {});
	} finally {
		await page.close().catch(() => {});
	}
}

// Clicks sel and waits for the page it leads to.
async function submit(page, sel) {
	const [resp] = await Promise.all([page.waitForNavigation(), page.click(sel)]);
	return resp;
}

// Every visible form control has a label a screen reader announces.
async function assertLabelled(page) {
	const bare = await page.$$eval('input:not([type="hidden"]):not([type="submit"]), textarea, select',
		(els) => els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
	assertEq(JSON.stringify(bare), '[]', 'form controls without a label');
	assertEq(await page.getAttribute('html', 'lang'), 'en', 'the page declares its language');
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

// ---- The tests ------------------------------------------------------------

async function testIndex(page, base) {
	const resp = await page.goto(`${base}/`);
	assertEq(resp.status(), 200, 'status of /');
	assertEq(await page.title(), 'cgihttpd examples', 'title');
	assertEq(await page.textContent('h1'), 'What is CGI?', 'first heading');
	const css = await page.evaluate(() => getComputedStyle(document.body).margin);
	assertEq(css, '0px', 'style.css applied (body margin)');
	const hrefs = await page.$$eval('ul.examples a', (as) => as.map((a) => a.getAttribute('href')));
	for (const want of ['/cgi-bin/greet', '/tutorial.html', '/cgi-bin/notes', '/cgi-bin/upload', '/cgi-bin/stream'])
		assert(hrefs.includes(want), `index links ${want} (has ${hrefs})`);
	for (const h of hrefs) {
		const r = await page.request.get(`${base}${h}`);
		assertEq(r.status(), 200, `GET ${h}`);
	}
	await shot(page, 'index');
	if (process.env.UPDATE_SCREENSHOT === '1')
		await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshot.png') });
}

const XSS_NAME = '<script>window.__xss=1</script>';

async function testGreetEscapes(page, base, dialogs) {
	await page.goto(`${base}/cgi-bin/greet`);
	await assertLabelled(page);
	await page.fill('#name', XSS_NAME);
	await page.check('input[name="happy"]');
	const resp = await submit(page, 'input[type="submit"]');
	assertEq(resp.request().method(), 'POST', 'the form posts');
	assertEq(resp.status(), 200, 'status');
	assertEq(await page.textContent('#greeting'),
		`Hello ${XSS_NAME}! Thanks for using my script!`, 'greeting shows the name as text');
	assertEq(await page.textContent('#happy'), "Yayy! I'm happy too!", 'happy message');
	assertEq(await page.$('#sad'), null, 'no sad message when sad is not ticked');
	assertEq(await page.evaluate(() => typeof window.__xss), 'undefined', 'the name\'s script did not run');
	assertEq(await page.$$eval('script', (s) => s.length), 0, 'no script element in the page');
	assertEq(await page.inputValue('#name'), XSS_NAME, 'the field holds the name back, intact');
	await shot(page, 'greet-post');
	// GET works too, and an event-handler attribute is as inert as a script.
	const r2 = await page.goto(`${base}/cgi-bin/greet?name=${encodeURIComponent('<img src=x onerror=alert(1)>')}&sad=on`);
	assertEq(r2.status(), 200, 'GET status');
	assertEq(await page.textContent('#greeting'),
		'Hello <img src=x onerror=alert(1)>! Thanks for using my script!', 'GET greeting');
	assertEq(await page.textContent('#sad'), 'Oh no! Why are you sad?', 'sad message');
	assertEq(await page.$('#greeting img'), null, 'no img element was made');
	await page.waitForTimeout(300); // an onerror would fire by now
	assertEq(dialogs.length, 0, `no dialog opened (${dialogs})`);
}

async function testTutorialHole(page, base, dialogs) {
	await page.goto(`${base}/tutorial.html`);
	const shown = await page.textContent('#source');
	const file = fs.readFileSync(path.join(ROOT, 'examples', 'cgi-bin', 'tutorial.py'), 'utf8');
	assertEq(shown, file.replace(/\n$/, ''), 'the lesson page shows the script that runs');
	await shot(page, 'tutorial-lesson');
	const first = await page.goto(`${base}/python/tutorial.py`);
	assertEq(first.status(), 200, 'the Python script runs');
	assertEq((await page.textContent('h1')).trim(), 'Hello Program!', 'its heading');
	// The tutorial's form has no id or label: find its fields by name.
	await page.fill('input[name="name"]', '<em>Ada</em><img src=x onerror="window.__xss=1">');
	await page.check('input[name="happy"]');
	const resp = await submit(page, 'input[type="submit"]');
	assertEq(resp.request().method(), 'POST', 'the tutorial\'s form posts');
	assertEq(resp.status(), 200, 'status');
	assertEq(await page.textContent('h1 >> nth=1'), 'HelloAda! Thanks for using my script!', 'greeting');
	assert((await page.content()).includes("Yayy! I'm happy too!"), 'happy message');
	// The lesson is real: the name became markup and its handler ran.
	assertEq(await page.textContent('h1 em'), 'Ada', 'the name was parsed as HTML (<em>)');
	await page.waitForFunction(() => window.__xss === 1, null, { timeout: 5000 });
	assertEq(dialogs.length, 0, 'no dialog');
	await shot(page, 'tutorial-xss');
}

// The notes on the page, as their texts, in page order.
async function noteBodies(page) {
	return page.$$eval('#notes .note-body', (ps) => ps.map((p) => p.textContent));
}

async function addNote(page, author, body) {
	await page.fill('#author', author);
	await page.fill('#body', body);
	return submit(page, '#add-form button[type="submit"]');
}

async function testNotes(page, base) {
	const tag = crypto.randomBytes(4).toString('hex');
	const texts = [`alpha ${tag} first note`, `beta ${tag} second <b>note</b>`, `gamma ${tag} third note`];
	let resp = await page.goto(`${base}/cgi-bin/notes`);
	assertEq(resp.status(), 200, 'list status');
	assertEq(await page.textContent('#empty'), 'No notes yet.', 'a fresh database is empty');
	await assertLabelled(page);
	for (const t of texts) {
		resp = await addNote(page, 'Ada', t);
		assertEq(resp.status(), 200, `page after adding "${t}"`);
		assert(/\?added=\d+/.test(page.url()), `redirected to the list (POST-redirect-GET): ${page.url()}`);
		assert(/Note #\d+ added\./.test(await page.textContent('#flash')), 'flash message');
	}
	assertEq(JSON.stringify(await noteBodies(page)), JSON.stringify([...texts].reverse()),
		'three notes, newest first, markup shown as text');
	assertEq(await page.$('#notes b'), null, 'no <b> element from a note');
	// Reloading the page after an add must not add again (it was a GET).
	await page.reload();
	assertEq((await noteBodies(page)).length, 3, 'reload after add adds nothing');
	// Validation: an empty note is refused with 422, the name kept.
	await page.fill('#author', 'Grace');
	await page.fill('#body', '   ');
	resp = await submit(page, '#add-form button[type="submit"]');
	assertEq(resp.status(), 422, 'an empty note is refused');
	assertEq(await page.textContent('#body-err'), 'Please fill this in.', 'error message');
	assertEq(await page.inputValue('#author'), 'Grace', 'the name is kept');
	assertEq((await noteBodies(page)).length, 3, 'nothing was added');
	await shot(page, 'notes-list');
	// Search.
	await page.goto(`${base}/cgi-bin/notes`);
	await page.fill('#q', 'beta');
	await submit(page, 'form[role="search"] button');
	assertEq(JSON.stringify(await noteBodies(page)), JSON.stringify([texts[1]]), 'search finds one note');
	assert((await page.textContent('#count')).startsWith('1 note match'), 'count line');
	await page.fill('#q', '%');
	await submit(page, 'form[role="search"] button');
	assertEq(await page.textContent('#empty'), 'No note matches this search.', '% is a character, not a wildcard');
	// Pages of two.
	await page.goto(`${base}/cgi-bin/notes?per=2`);
	assertEq(JSON.stringify(await noteBodies(page)), JSON.stringify([texts[2], texts[1]]), 'page 1 of 2');
	await submit(page, 'a[rel="next"]');
	assertEq(JSON.stringify(await noteBodies(page)), JSON.stringify([texts[0]]), 'page 2 of 2');
	assertEq(await page.$('a[rel="next"]'), null, 'no next page after the last');
	await submit(page, 'a[rel="prev"]');
	assertEq((await noteBodies(page)).length, 2, 'back to page 1');
	await shot(page, 'notes-page');
	// Delete the second note, then reload: it stays gone.
	const id = await page.$eval('#notes li:nth-child(2)', (li) => li.id);
	await submit(page, `#${id} button`);
	assert(/Note #\d+ deleted\./.test(await page.textContent('#flash')), 'deleted flash');
	await page.goto(`${base}/cgi-bin/notes`);
	await page.reload();
	assertEq(JSON.stringify(await noteBodies(page)), JSON.stringify([texts[2], texts[0]]), 'after delete and reload');
	// A forged POST (no token) is refused and changes nothing.
	const forged = await page.request.post(`${base}/cgi-bin/notes`, {
		form: { action: 'add', author: 'Mallory', body: 'forged' },
		maxRedirects: 0,
	});
	assertEq(forged.status(), 403, 'POST without the CSRF token');
	await page.reload();
	assertEq((await noteBodies(page)).length, 2, 'the forged note was not stored');
	await shot(page, 'notes-deleted');
}

async function testUpload(page, base, tmp) {
	const files = [
		{ name: 'hello.txt', data: Buffer.from('hello, world\n') },
		{ name: 'random <1>.bin', data: crypto.randomBytes(300 * 1024 + 7) },
	];
	for (const f of files) {
		const p = path.join(tmp, f.name);
		fs.writeFileSync(p, f.data);
		const want = crypto.createHash('sha256').update(f.data).digest('hex');
		await page.goto(`${base}/cgi-bin/upload`);
		await assertLabelled(page);
		await page.setInputFiles('#file', p);
		const resp = await submit(page, 'form button[type="submit"]');
		assertEq(resp.status(), 200, `upload of ${f.name}`);
		assertEq(await page.textContent('#raw-name'), f.name, 'the name as sent, shown as text');
		const safe = await page.textContent('#name');
		assert(safe.length > 0 && !/[<>/\\]/.test(safe), `the name made safe: ${safe}`);
		if (!/[<>]/.test(f.name))
			assertEq(safe, f.name, 'a plain name is kept as it is');
		assertEq(await page.textContent('#size'), String(f.data.length), 'size');
		assertEq(await page.textContent('#sha256'), want, 'SHA-256 equals node\'s');
	}
	await shot(page, 'upload');
}

async function testStream(page, base) {
	const lines = 5;
	const delay = 600;
	// Record, inside the page, when the parser adds each element: that is
	// when its bytes arrived, whatever the test's own polling delay.
	await page.addInitScript(() => {
		window.__arrivals = {};
		new MutationObserver((muts) => {
			for (const m of muts)
				for (const n of m.addedNodes)
					if (n.id)
						window.__arrivals[n.id] = performance.now();
		}).observe(document, { childList: true, subtree: true });
	});
	await page.goto(`${base}/cgi-bin/stream?lines=${lines}&delay_ms=${delay}`, { waitUntil: 'commit' });
	await page.waitForSelector('#line-1', { state: 'attached' });
	assert(await page.$(`#line-${lines}`) === null, 'the last line is not there when the first is');
	assert(await page.$('#done') === null, 'the page is not finished when the first line shows');
	await shot(page, 'stream-partial');
	await page.waitForSelector('#done', { state: 'attached', timeout: lines * delay + STEP_MS });
	assertEq(await page.$$eval('#lines li', (li) => li.length), lines, 'every line arrived');
	// The program sleeps (lines - 1) * delay between its first and last
	// line; the page received them at least most of that apart.
	const t = await page.evaluate(() => window.__arrivals);
	const first = t['line-1'];
	const last = t[`line-${lines}`];
	assert(first !== undefined && last !== undefined, `arrival times recorded: ${JSON.stringify(t)}`);
	assert(last - first >= (lines - 1) * delay * 0.75,
		`line 1 arrived at ${Math.round(first)} ms, line ${lines} at ${Math.round(last)} ms: too close together`);
	await shot(page, 'stream-done');
}

// After the run: no request of the suite got a 5xx, and neither the server
// nor a program reported a sanitizer error (under make SANITIZE=1 a bad
// access in an example would otherwise pass unseen behind a good page).
function checkLogs(srv) {
	const proves = 'the access log has no 5xx and the error log no sanitizer report';
	try {
		const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
		const access = read(path.join(srv.logs, 'access.log'));
		const errors = read(path.join(srv.logs, 'error.log'));
		assert(access.includes('"GET /cgi-bin/notes'), 'the access log was written');
		const bad = access.split('\n').filter((l) => /" 5\d\d /.test(l));
		assertEq(JSON.stringify(bad), '[]', '5xx answers');
		const san = errors.split('\n').filter((l) => /AddressSanitizer|LeakSanitizer|runtime error:/.test(l));
		assertEq(JSON.stringify(san.slice(0, 5)), '[]', 'sanitizer reports');
		passed++;
		console.log(`ok - logs: ${proves}`);
	} catch (e) {
		failed++;
		console.log(`FAIL - logs: ${proves}\n    ${e.message}`);
	}
}

// ---- Main -----------------------------------------------------------------

async function main() {
	fs.mkdirSync(OUT, { recursive: true });
	let srv = null;
	let ctx = null;
	let userDir = null;
	const names = ['index', 'greet', 'tutorial', 'notes', 'upload', 'stream'];
	try {
		srv = await startServer();
		console.log(`# examples served at ${srv.url}/ by ${path.relative(ROOT, BUILD)}/cgihttpd (pid ${srv.proc.pid})`);
		userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cgihttpd-chromium-'));
		ctx = await chromium.launchPersistentContext(userDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
			viewport: { width: 1000, height: 800 },
		});
		const base = srv.url;
		await test(ctx, 'index', 'the front page says what CGI is, is styled, and every example link answers 200',
			(p) => testIndex(p, base));
		await test(ctx, 'greet', 'the C greeting form (POST and GET) shows a <script> name as text, no script runs, no dialog',
			(p, d) => testGreetEscapes(p, base, d));
		await test(ctx, 'tutorial', "the tutorial's Python script runs as published, and its XSS hole is real (the lesson)",
			(p, d) => testTutorialHole(p, base, d));
		await test(ctx, 'notes', 'SQLite app: add three, validation 422, search, pages, delete, reload, forged POST 403',
			(p) => testNotes(p, base));
		await test(ctx, 'upload', 'multipart upload (in memory and spilled) reports name, size and the right SHA-256',
			(p) => testUpload(p, base, srv.tmp));
		await test(ctx, 'stream', 'the streaming page shows its first line before its last has arrived',
			(p) => testStream(p, base));
	} catch (e) {
		const ran = passed + failed;
		for (const n of names.slice(ran)) {
			failed++;
			console.log(`FAIL - ${n}: not run: ${String(e.message || e).split('\n')[0]}`);
		}
		console.log(String(e.stack || e));
	} finally {
		if (ctx)
			await ctx.close().catch(() => {});
		if (srv) {
			await stopServer(srv);
			if (passed + failed === names.length)
				checkLogs(srv);
			const errLog = path.join(srv.logs, 'error.log');
			if (failed > 0 && fs.existsSync(errLog))
				console.log(`# server error log (tail):\n${fs.readFileSync(errLog, 'utf8').split('\n').slice(-30).join('\n')}`);
			fs.rmSync(srv.tmp, { recursive: true, force: true });
		}
		if (userDir)
			fs.rmSync(userDir, { recursive: true, force: true });
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed === 0 ? 0 : 1;
}

await main();
